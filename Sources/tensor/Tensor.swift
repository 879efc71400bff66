import ArgumentParser
import Retort
import RetortCLI

@main
struct TensorTool: RetortCommand {
  static var configuration: CommandConfiguration {
    CommandConfiguration(
      commandName: "tensor",
      abstract: "Inspect, import, export and merge Retort's HDF5 tensor files.",
      discussion: """
        HDF5 files read from standard input ('-') and written to standard output are \
        held whole in memory.

        EXAMPLES:
          tensor info scores.h5
          tensor import wiki.en.vec -o en.h5
          tensor import en-fr.txt --source en.h5 --target fr.h5 -o pairs.h5
          tensor export en.h5:embeddings -o en.npy
          tensor merge part0.h5 part1.h5 -o all.h5

        EXIT STATUS: 0 success, 64 usage, 65 bad input data, 66 missing input, \
        70 internal error, 73 cannot create output, 74 I/O error.
        """,
      version: versionText,
      subcommands: [Info.self, Import.self, Export.self, Merge.self])
  }
}
