// Shape helpers: display and overflow-checked element counts of tensor shapes.

/// Shape helpers shared by messages and tensor code.
public enum Shape {
    /// `[3, 4]` → `3×4`; a scalar shows as `scalar`.
    public static func describe(_ shape: [Int]) -> String {
        shape.isEmpty ? "scalar" : shape.map(String.init).joined(separator: "×")
    }

    /// The largest size of one dimension a file may declare (2³²): larger ones describe no real
    /// tensor, and even with a zero elsewhere (zero elements) they would make loops over that axis run
    /// for hours.
    public static let maximumDimension = 1 << 32

    /// The number of elements, or nil when a dimension is negative or above `maximumDimension`, or
    /// when the product of the non-zero dimensions overflows (zero-size tensors are checked too).
    public static func elementCount(_ shape: [Int]) -> Int? {
        var nonZeroProduct = 1
        for dim in shape {
            guard dim >= 0, dim <= maximumDimension else { return nil }
            guard dim > 0 else { continue }
            let (product, overflow) = nonZeroProduct.multipliedReportingOverflow(by: dim)
            if overflow { return nil }
            nonZeroProduct = product
        }
        return shape.contains(0) ? 0 : nonZeroProduct
    }
}
