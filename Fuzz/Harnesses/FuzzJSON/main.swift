// Fuzzes the strict JSON parser (config.json, tokenizer.json, safetensors headers, indexes).
@testable import Engine
import Foundation
import FuzzDriver

runFuzzer { bytes in
    let value = try JSONValue.parse(Data(bytes), path: "fuzz.json")
    _ = value["weight_map"]
}
