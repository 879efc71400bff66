// The one binary behind every Retort tool: `nms`, `csls`, ... are links to it,
// and the name it is started under (argv[0]) picks the tool. One binary keeps
// the Swift runtime, HDF5's and OpenBLAS's bindings once on disk instead of
// nine times. `retort-tools TOOL ARGS...` runs TOOL too.
import AlignAdvCommand
import CSLSCommand
import DistillCommand
import Glibc
import NMSCommand
import OHEMSelectCommand
import ProcrustesCommand
import ProtonetCommand
import Retort
import SoftLabelCommand
import TensorCommand

let tools: [String: () -> Void] = [
  "tensor": runTensor, "softlabel": runSoftLabel, "distill": runDistill, "nms": runNMS,
  "ohem-select": runOHEMSelect, "protonet": runProtonet, "align-adv": runAlignAdv,
  "procrustes": runProcrustes, "csls": runCSLS,
]

let arguments = CommandLine.arguments
let name = String(arguments.first?.split(separator: "/").last ?? "")
if let run = tools[name] {
  run()
} else if arguments.count > 1, tools[arguments[1]] != nil {
  // Started as `retort-tools TOOL ...`: start again under the tool's name, so
  // that every tool sees its usual command line.
  let argv = CommandLine.unsafeArgv
  execv("/proc/self/exe", argv + 1)
  writeToStandardError(
    "retort-tools: cannot start \(arguments[1]): \(String(cString: strerror(errno)))\n")
  exit(71)
} else {
  let names = tools.keys.sorted().joined(separator: ", ")
  writeToStandardError(
    "retort-tools: usage: retort-tools TOOL [ARGS...], or run it as TOOL (\(names))\n")
  exit(64)
}
