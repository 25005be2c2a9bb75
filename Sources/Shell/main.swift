// Entry point of the mvs executable: parse the command line, then run a script, a command or the REPL.
import Foundation
import Engine
import Lang

let options: Options
do {
    options = try Options.parse(Array(CommandLine.arguments.dropFirst()))
} catch let error as UsageError {
    Terminal.err("mvs: \(error.message)")
    Terminal.err("usage: mvs [--no-init] [-c CODE | FILE.mvs] [ARG…]; see mvs --help")
    exit(64)
}

Signals.install()
if Terminal.stderrIsTerminal { Progress.reporter = ProgressBar() }

switch options.mode {
case .help:
    Terminal.out(Options.usage)
case .version:
    Terminal.out("mvs \(Version.current)")
case let .command(code):
    exit(ScriptRunner.run(Source(name: "<-c>", text: code), arguments: options.arguments))
case let .script(path):
    exit(ScriptRunner.runFile(path, arguments: options.arguments))
case let .subcommand(arguments):
    exit(StudyCommand.run(arguments))
case .kernelProtocol:
    exit(KernelProtocol().run())
case .repl:
    if Terminal.stdinIsTerminal {
        exit(REPL(loadInit: options.loadInit).run())
    }
    exit(ScriptRunner.runFile("-", arguments: options.arguments))
}
