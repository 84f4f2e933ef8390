"""`python -m xl_idf` runs the `xl-idf` command."""

from xl_idf.cli import main

main()
