import Retort
import RetortArguments
import RetortCLI

/// Runs `tensor` as a program: parses the command line, does the work, exits
/// (the entry point of the `tensor` name of the multi-call binary).
public func runTensor() { TensorTool.main() }

struct TensorTool: RetortCommand {
  static let configuration = CommandConfiguration.tool(
    "tensor",
    abstract: "Inspect, print, import, export, pick, take, split, merge and map HDF5 tensor files.",
    discussion: """
      HDF5 files read from standard input ('-') and written to standard output are \
      held whole in memory.
      """,
    examples: [
      "tensor info scores.h5",
      "tensor import wiki.en.vec -o en.h5",
      "tensor import en-fr.txt --source en.h5 --target fr.h5 -o pairs.h5",
      "tensor export en.h5:embeddings -o en.npy",
      "tensor merge part0.h5 part1.h5 -o all.h5",
      "tensor map W.h5 en.h5 -o en.mapped.vec",
    ],
    subcommands: [
      Info.self, Head.self, Import.self, Export.self, Pick.self, Take.self, Split.self, Merge.self,
      Map.self,
    ])
}
