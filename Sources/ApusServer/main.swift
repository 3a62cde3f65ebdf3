// apus-server: the command line entry point; everything else lives in ApusCore.
import ApusCore
import Glibc

exit(ApusMain.run(CommandLine.arguments))
