// I/O builtins: export to and import from HDF5, save as safetensors.
import Engine

enum IOBuiltins {
    static let all: [Builtin] = []
}
