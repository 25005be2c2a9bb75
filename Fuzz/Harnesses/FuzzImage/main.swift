// Fuzzes the PNG and JPEG readers: libpng and libjpeg behind the C shim's setjmp error handling, through a file.
@testable import Engine
import Foundation
import FuzzDriver

/// One scratch file per process: the readers take a path (libpng and libjpeg read a FILE).
let scratch = NSTemporaryDirectory() + "mvs-fuzz-image-\(getpid())"

runFuzzer { bytes in
    try Data(bytes).write(to: URL(fileURLWithPath: scratch))
    _ = try ImageFile.read(scratch)
}
