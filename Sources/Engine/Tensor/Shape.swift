// Shape helpers: display and overflow-checked element counts of tensor shapes.

/// Shape helpers shared by messages and tensor code.
public enum Shape {
    /// `[3, 4]` → `3×4`; a scalar shows as `scalar`.
    public static func describe(_ shape: [Int]) -> String {
        shape.isEmpty ? "scalar" : shape.map(String.init).joined(separator: "×")
    }

    /// The number of elements, or nil when it overflows or a dimension is negative.
    public static func elementCount(_ shape: [Int]) -> Int? {
        var total = 1
        for dim in shape {
            guard dim >= 0 else { return nil }
            let (product, overflow) = total.multipliedReportingOverflow(by: dim)
            if overflow { return nil }
            total = product
        }
        return total
    }
}
