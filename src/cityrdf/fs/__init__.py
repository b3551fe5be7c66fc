"""Files written whole or not at all, one writer at a time, and the one table writer."""
