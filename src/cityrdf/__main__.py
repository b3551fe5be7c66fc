"""`python -m cityrdf`: the same command as `cityrdf`."""

from cityrdf.cli import main

if __name__ == "__main__":
    main()
