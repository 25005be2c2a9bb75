// A session runs chunks of source (a script, a REPL input, an init file) against one interpreter
// and turns their outcome into diagnostics and sysexits-style exit statuses.
import Engine
import Foundation

/// Runs source text and reports diagnostics; the shell and the golden tests both drive it.
public final class Session: @unchecked Sendable {  // unchecked: its interpreter runs one input at a time, on the large-stack thread it hands each run to
    /// The interpreter holding the session's variables.
    public let interpreter: Interpreter
    /// Receives each diagnostic (the shell renders it to stderr).
    public var report: (Diagnostic) -> Void

    /// How a chunk ended.
    public enum Outcome: Equatable, Sendable {
        case success
        /// The input stopped inside a bracket, block or string (the REPL asks for more).
        case incomplete
        case parseError
        case runtimeError
        case ioError
        case interrupted
        /// `exit(status)` was called.
        case exit(Int32)

        /// The process exit status for a script that ended this way: 0, 65 parse, 70 runtime, 74 I/O, 130 Ctrl-C.
        public var exitStatus: Int32 {
            switch self {
            case .success: return 0
            case .incomplete, .parseError: return 65
            case .runtimeError: return 70
            case .ioError: return 74
            case .interrupted: return 130
            case let .exit(status): return status
            }
        }
    }

    /// A session writing program output through `output` and diagnostics through `report`.
    public init(output: @escaping (String) -> Void, report: @escaping (Diagnostic) -> Void) {
        self.interpreter = Interpreter(output: output)
        self.report = report
    }

    /// Parses and runs `source`. With `allowIncomplete`, input ending inside a construct returns
    /// `.incomplete` without reporting anything. `echo` receives the values of bare expressions.
    public func run(_ source: Source, allowIncomplete: Bool = false, echo: ((Value) -> Void)? = nil) -> Outcome {
        // Parsing and evaluation both recurse, so both run on the large stack.
        Session.onLargeStack {
            let program: Program
            switch ParseResult.parse(source) {
            case let .complete(parsed):
                program = parsed
            case let .incomplete(diagnostics):
                if !allowIncomplete { diagnostics.forEach(self.report) }
                return .incomplete
            case let .failed(diagnostics):
                diagnostics.forEach(self.report)
                return .parseError
            }
            do {
                try self.interpreter.execute(program, echo: echo)
                return .success
            } catch let error as ExitRequest {
                return .exit(error.status)
            } catch let error as RuntimeError {
                if let diagnostic = error.diagnostic { self.report(diagnostic) }
                switch error.kind {
                case .general: return .runtimeError
                case .io: return .ioError
                case .interrupted: return .interrupted
                }
            } catch {
                self.report(Diagnostic("\(error)", at: SourceRange(source: source, start: 0, end: 0)))
                return .runtimeError
            }
        }
    }

    /// Runs `body` on a thread with a large stack, so deep (but limited) recursion in scripts
    /// cannot overflow the caller's stack, whatever thread the caller is on.
    private static func onLargeStack(_ body: @escaping () -> Outcome) -> Outcome {
        // Unchecked: written before the thread starts and read after it is joined, never at the same time.
        final class Box: @unchecked Sendable { var value: Outcome?; var body: (() -> Outcome)? }
        let box = Box()
        box.body = body
        let done = DispatchSemaphore(value: 0)
        let thread = Thread {
            box.value = box.body?()
            done.signal()
        }
        thread.stackSize = 1 << 29
        thread.start()
        done.wait()
        guard let value = box.value else { return body() }
        return value
    }
}
