// apus-benchmark: the load tool, a drop-in for redis-benchmark. All logic lives in ApusBench.
import Glibc
import ApusBench

exit(BenchmarkMain.main(Array(CommandLine.arguments.dropFirst())))
