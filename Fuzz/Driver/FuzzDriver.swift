// Runs libFuzzer over a harness body: SwiftPM renames an executable's `main`, so libFuzzer's own
// `main` never runs; each harness calls `LLVMFuzzerRunDriver` itself from top-level code.
import Foundation

@_silgen_name("LLVMFuzzerRunDriver")
private func LLVMFuzzerRunDriver(
    _ argc: UnsafeMutablePointer<Int32>,
    _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>>,
    _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> Int32
) -> Int32

/// The harness body; a C callback cannot capture context, so it lives in a global set once before
/// the driver starts (libFuzzer calls back on this one thread).
nonisolated(unsafe) private var harnessBody: (([UInt8]) -> Void)?

/// libFuzzer's entry point by name: its own `main` (linked in debug builds, where nothing strips it)
/// refers to it; it forwards to the same harness body.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzerTestOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    harnessBody?(data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? [])
    return 0
}

/// Hands every input libFuzzer generates to `body` as bytes and exits with libFuzzer's status.
/// A thrown error is a clean rejection and is ignored; a trap, hang or sanitizer report is a finding.
public func runFuzzer(_ body: @escaping ([UInt8]) throws -> Void) -> Never {
    harnessBody = { bytes in _ = try? body(bytes) }
    var argc = CommandLine.argc
    var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?> = CommandLine.unsafeArgv
    let status = LLVMFuzzerRunDriver(&argc, &argv) { data, size in
        let bytes = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
        harnessBody?(bytes)
        return 0
    }
    exit(status)
}
