"""Errors that the CLI turns into a one-line reason and an exit code, never a traceback."""

BAD_INPUT = 2
NOT_CONFORMING = 1


class CityrdfError(Exception):
    """A failure the user can act on; `str(err)` is the one-line reason."""

    exit_code = BAD_INPUT


class BadInput(CityrdfError):
    """Input that cannot be read: a syntax error, an unknown name, a hostile parameter."""

    exit_code = BAD_INPUT


class NotConforming(CityrdfError):
    """Input that parses but breaks the shapes, the QC checks or the reasoner."""

    exit_code = NOT_CONFORMING
