// Atomic file replacement for exports: write a temporary in the same directory, fsync, rename over the target.
import Foundation

extension Export {
    /// How an export treats an existing target.
    enum TargetPolicy {
        /// Refuse an existing target unless `overwrite`; `appendable` when the writer could add to it instead.
        case create(overwrite: Bool, appendable: Bool = false)
        /// Start from a copy of the existing target (if any) and add to it.
        case append
    }

    /// Writes `target` so that it is either the old file or the complete new one, never a half-written file.
    ///
    /// `write` receives a temporary path `.<name>.tmp-<pid>` in the target's directory (so the final rename
    /// stays on one file system) and whether that path already holds a copy of the old target. On any error the
    /// temporary is removed. A process killed mid-way leaves its temporary behind; the next export to the same
    /// target removes temporaries whose process is gone. The durability steps go through `steps` (the system's
    /// calls unless a test records them): fsync(temporary) before rename, fsync(directory) after it.
    static func atomically(_ target: String, policy: TargetPolicy, steps: DurableSteps = .system,
                           _ write: (_ temporary: String, _ seeded: Bool) throws -> Void) throws {
        let parent = FilePath.deletingLastComponent(target)
        let directory = parent.isEmpty ? "." : parent
        let name = FilePath.lastComponent(target)
        let manager = FileManager.default

        var isDirectory: ObjCBool = false
        guard manager.fileExists(atPath: directory, isDirectory: &isDirectory) else {
            throw EngineError.io(path: target, message: "cannot write: directory '\(directory)' does not exist")
        }
        guard isDirectory.boolValue else {
            throw EngineError.io(path: target, message: "cannot write: '\(directory)' is not a directory")
        }
        guard access(directory, W_OK) == 0 else {
            throw EngineError.io(path: target, message: "cannot write: directory '\(directory)' is not writable")
        }
        let targetExists = manager.fileExists(atPath: target, isDirectory: &isDirectory)
        if targetExists && isDirectory.boolValue {
            throw EngineError.io(path: target, message: "is a directory")
        }
        if case let .create(overwrite, appendable) = policy, targetExists, !overwrite {
            throw EngineError.exists(path: target, name: nil, appendable: appendable)
        }

        removeAbandonedTemporaries(of: name, in: directory)
        let temporary = directory + "/" + temporaryName(for: name, pid: getpid())
        try? manager.removeItem(atPath: temporary)
        do {
            var seeded = false
            if case .append = policy, targetExists {
                try copyFile(target, to: temporary, displayPath: target)
                seeded = true
            }
            try write(temporary, seeded)
            try steps.synchronizeFile(temporary, target)
            if case .create(overwrite: false, _) = policy, manager.fileExists(atPath: target) {
                throw EngineError.io(path: target, message: "was created by someone else during the export; nothing replaced")
            }
            guard steps.rename(temporary, target) == 0 else {
                throw EngineError.io(path: target, message: "cannot rename the finished file into place: \(systemError())")
            }
        } catch {
            try? manager.removeItem(atPath: temporary)
            throw error
        }
        steps.synchronizeDirectory(directory)
    }

    /// The calls that make an atomic export durable, in the order `atomically` makes them. Tests replace them
    /// to record that order, which no file on disk can show (a crash between the steps is what it guards).
    struct DurableSteps {
        /// Flushes the finished temporary (path, display path for errors) before it is renamed.
        var synchronizeFile: (_ path: String, _ displayPath: String) throws -> Void
        /// Renames the temporary over the target; 0 on success, as rename(2).
        var rename: (_ from: String, _ to: String) -> Int32
        /// Flushes the directory so the rename itself survives a crash.
        var synchronizeDirectory: (_ directory: String) -> Void

        /// The real system calls.
        nonisolated(unsafe) static let system = DurableSteps(  // unchecked: immutable, calls only system functions
            synchronizeFile: { try Export.synchronize($0, displayPath: $1) },
            rename: { Foundation.rename($0, $1) },
            synchronizeDirectory: { directory in
                // The file is complete either way, so a failure here is not an error.
                let descriptor = open(directory, O_RDONLY)
                if descriptor >= 0 {
                    fsync(descriptor)
                    close(descriptor)
                }
            })
    }

    /// `.<name>.tmp-<pid>`: hidden, next to the target, and unique per process.
    static func temporaryName(for name: String, pid: Int32) -> String { ".\(name).tmp-\(pid)" }

    /// Removes `.<name>.tmp-<pid>` files whose process no longer exists (left by a killed export).
    private static func removeAbandonedTemporaries(of name: String, in directory: String) {
        let prefix = ".\(name).tmp-"
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: directory) else { return }
        for entry in entries where entry.hasPrefix(prefix) {
            guard let pid = Int32(entry.dropFirst(prefix.count)), pid != getpid() else { continue }
            if kill(pid, 0) != 0 && errno == ESRCH {
                try? FileManager.default.removeItem(atPath: directory + "/" + entry)
            }
        }
    }

    /// Flushes a finished file to the disk before it is renamed over the target.
    static func synchronize(_ path: String, displayPath: String) throws {
        let descriptor = open(path, O_RDONLY)
        guard descriptor >= 0 else { throw EngineError.io(path: displayPath, message: "cannot reopen to flush: \(systemError())") }
        defer { close(descriptor) }
        guard fsync(descriptor) == 0 else {
            throw EngineError.io(path: displayPath, message: "cannot flush to disk: \(systemError())")
        }
    }

    /// Copies a file byte for byte (the starting point of an append), reporting disk-full and similar errors.
    private static func copyFile(_ source: String, to destination: String, displayPath: String) throws {
        let input = open(source, O_RDONLY)
        guard input >= 0 else { throw EngineError.io(path: displayPath, message: "cannot read to add to it: \(systemError())") }
        defer { close(input) }
        let output = open(destination, O_WRONLY | O_CREAT | O_EXCL, 0o644)
        guard output >= 0 else { throw EngineError.io(path: displayPath, message: "cannot create a temporary copy: \(systemError())") }
        defer { close(output) }
        let size = 1 << 20
        let buffer = UnsafeMutableRawPointer.allocate(byteCount: size, alignment: 16)
        defer { buffer.deallocate() }
        while true {
            let count = read(input, buffer, size)
            guard count >= 0 else { throw EngineError.io(path: displayPath, message: "cannot read to add to it: \(systemError())") }
            if count == 0 { return }
            try writeAll(output, UnsafeRawBufferPointer(start: buffer, count: count), path: displayPath)
            try Interruption.check()
        }
    }

    /// Writes every byte, turning a short or failed write (disk full) into an error naming the file.
    static func writeAll(_ descriptor: Int32, _ bytes: UnsafeRawBufferPointer, path: String) throws {
        guard var cursor = bytes.baseAddress else { return }
        var remaining = bytes.count
        while remaining > 0 {
            let written = Foundation.write(descriptor, cursor, remaining)
            guard written > 0 else {
                throw EngineError.io(path: path, message: "cannot write: \(written < 0 ? systemError() : "nothing written")")
            }
            cursor += written
            remaining -= written
        }
    }

    static func systemError() -> String { String(cString: strerror(errno)) }
}
