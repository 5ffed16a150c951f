from clustermonitor.cli import main

main()
