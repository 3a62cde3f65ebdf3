// apus-sentinel: apus-server in sentinel mode (the name alone selects it, as with
// redis-sentinel); `apus-server sentinel.conf --sentinel` is the same thing.
import ApusCore
import Glibc

exit(ApusMain.run(CommandLine.arguments))
