// The one reading of `layer=` / `layers=` every verb shares: either keyword, a number or a list, negative from the end.

extension Arguments {
    /// The layers chosen by `layer=` or `layers=` among `count` layers (0…count-1): one number or a list,
    /// negatives counting from the end like list indices; nil when neither is given or it is "all".
    /// `what` (the model's name) and `note` complete the out-of-range message.
    func layers(count: Int, of what: String, note: String = "") throws -> [Int]? {
        if has("layer"), has("layers") { throw ArgumentError("\(callee)(): give layer= or layers=, not both") }
        let name = has("layers") ? "layers" : "layer"
        guard has(name) else { return nil }
        if case .string("all")? = value(name) { return nil }
        let given: [Int]
        if case .number? = value(name) {
            given = [try int(name)]
        } else {
            given = try list(name).map { item in
                guard case let .number(number, _) = item, number.rounded() == number, Swift.abs(number) < 1e15 else {
                    throw ArgumentError("\(callee)(): '\(name)' must be a whole number or a list of them, found \(item.shortDisplay)")
                }
                return Int(number)
            }
        }
        return try given.map { layer in
            let position = layer < 0 ? layer + count : layer
            guard position >= 0, position < count else {
                throw ArgumentError("\(callee)(): layer \(layer) out of range (\(what) has layers 0…\(count - 1)\(note))")
            }
            return position
        }
    }
}
