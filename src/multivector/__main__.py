"""`python -m multivector` runs the command-line interface."""

from multivector.interfaces.cli import main

if __name__ == "__main__":
    main()
