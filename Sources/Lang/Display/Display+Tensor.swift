// The full display of a tensor: its shape and type, then its values, elided in the middle when large.
import Engine
import Foundation

extension Display {
    /// Nested brackets like numpy, at most `edge` items shown at each end of every axis.
    static func tensor(_ tensor: Tensor, edge: Int = 3) -> String {
        let header = "tensor \(Shape.describe(tensor.shape)) \(tensor.storedType.displayName)"
        guard !tensor.shape.isEmpty else { return header + "\n" + number(tensor.buffer.first ?? 0) }
        guard tensor.count > 0 else { return header + "\n[]" }
        var lines: [String] = []
        var current = ""
        func render(offset: Int, axis: Int) {
            let size = tensor.shape[axis]
            let stride = tensor.shape[(axis + 1)...].reduce(1, *)
            let shown: [Int?] = size > 2 * edge ? Array(0..<edge) + [nil] + Array(size - edge..<size) : Array(0..<size)
            current += "["
            for (position, row) in shown.enumerated() {
                if position > 0 {
                    if axis == tensor.shape.count - 1 {
                        current += ", "
                    } else {
                        current += ","
                        lines.append(current)
                        current = String(repeating: " ", count: axis + 1)
                    }
                }
                guard let row else { current += "…"; continue }
                if axis == tensor.shape.count - 1 {
                    current += number(tensor.buffer[offset + row])
                } else {
                    render(offset: offset + row * stride, axis: axis + 1)
                }
            }
            current += "]"
        }
        render(offset: 0, axis: 0)
        lines.append(current)
        return ([header] + lines).joined(separator: "\n")
    }

    /// A float with up to 6 significant digits, integers without a decimal point.
    private static func number(_ value: Float) -> String {
        let double = Double(value)
        if double.rounded() == double, abs(double) < 1e7 { return Value.format(double) }
        return String(format: "%.6g", double)
    }
}
