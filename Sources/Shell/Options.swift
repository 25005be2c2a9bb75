// Command-line options of the mvs executable, parsed by hand (a handful of flags, precise errors).
import Engine

/// What the command line asked for.
struct Options {
    enum Mode: Equatable {
        case help
        case version
        case repl
        /// `-c CODE`.
        case command(String)
        /// A script file (`-` for standard input).
        case script(String)
        /// `mvs study …` or `mvs merge …` with the arguments from the subcommand's name on.
        case subcommand([String])
        /// `--kernel-protocol`: JSON lines for a front-end such as the Jupyter kernel (docs/kernel.md).
        case kernelProtocol
    }

    var mode: Mode = .repl
    var loadInit = true
    /// Values bound to `args` in the script.
    var arguments: [String] = []

    static let flags = ["--help", "-h", "--version", "-V", "--no-init", "-c", "--kernel-protocol"]

    static let usage = """
    mvs \(Version.current) — model vector shell: weight-space analysis of transformer models.

    usage: mvs [--no-init]                 start the interactive shell
           mvs [options] FILE.mvs [ARG…]   run a script; ARGs are in the list `args`
           mvs [options] -c CODE [ARG…]    run CODE
           COMMANDS | mvs                  run standard input as a script
           mvs study init|run|status|sbatch|merge …   sharded zoo studies (docs/scale-out.md)
           mvs merge OUT SHARD…            join study shard files into one HDF5 file

    options:
      -c CODE        run CODE and exit
      --no-init      do not read ~/.mvsrc (or $XDG_CONFIG_HOME/mvs/init.mvs)
      --kernel-protocol  serve a front-end (the Jupyter kernel) with JSON lines on stdin/stdout (docs/kernel.md)
      -h, --help     show this help
      -V, --version  show the version

    environment: MVS_HISTORY (history file), NO_COLOR (plain diagnostics), MVS_MODELS.
    exit status: 0 ok, 64 usage, 65 syntax error, 70 runtime error, 74 I/O error, 130 interrupted.
    In the shell, type .help for commands and builtins.
    """

    /// Parses arguments after the program name; throws a message for a usage error.
    static func parse(_ arguments: [String]) throws -> Options {
        var options = Options()
        var index = 0
        while index < arguments.count {
            let argument = arguments[index]
            switch argument {
            case "--help", "-h":
                options.mode = .help
                return options
            case "--version", "-V":
                options.mode = .version
                return options
            case "--kernel-protocol":
                options.mode = .kernelProtocol
                return options
            case "--no-init":
                options.loadInit = false
                index += 1
            case "-c":
                guard index + 1 < arguments.count else { throw UsageError("-c needs CODE to run, as in: mvs -c 'print(1 + 2)'") }
                options.mode = .command(arguments[index + 1])
                options.arguments = Array(arguments[(index + 2)...])
                return options
            case "--":
                if index + 1 < arguments.count {
                    options.mode = .script(arguments[index + 1])
                    options.arguments = Array(arguments[(index + 2)...])
                }
                return options
            default:
                if StudyCommand.names.contains(argument) {
                    options.mode = .subcommand(Array(arguments[index...]))
                    return options
                }
                if argument.hasPrefix("-"), argument != "-" {
                    throw UsageError("unknown option '\(argument)'" + Suggest.hint(for: argument, in: flags))
                }
                options.mode = .script(argument)
                options.arguments = Array(arguments[(index + 1)...])
                return options
            }
        }
        return options
    }
}

/// A bad command line (exit status 64).
struct UsageError: Error {
    let message: String
    init(_ message: String) { self.message = message }
}

/// The program's version.
enum Version {
    static let current = "0.1.0"
}
