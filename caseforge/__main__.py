from caseforge.cli import main

main()
