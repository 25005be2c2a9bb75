// Fuzzes the PNG and JPEG readers: libpng and libjpeg behind the C shim's setjmp error handling, from memory.
@testable import Engine
import FuzzDriver

runFuzzer { bytes in
    _ = try ImageFile.read(MappedFile(bytes: bytes, name: "fuzz.png"))
}
