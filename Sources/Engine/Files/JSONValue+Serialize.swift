// JSON text from a JSONValue (compact, keys in their original order), e.g. a model's config in an export.
import Foundation

extension JSONValue {
    /// Compact JSON text; object members keep their order; non-finite numbers (not JSON) become `null`.
    public func serialized() -> String {
        var text = ""
        append(to: &text)
        return text
    }

    private func append(to text: inout String) {
        switch self {
        case .null: text += "null"
        case let .bool(flag): text += flag ? "true" : "false"
        case let .number(number):
            if !number.isFinite {
                text += "null"
            } else if number.rounded() == number, abs(number) < 1e15 {
                text += String(Int64(number))
            } else {
                text += "\(number)"
            }
        case let .string(string): JSONValue.appendQuoted(string, to: &text)
        case let .array(items):
            text += "["
            for (index, item) in items.enumerated() {
                if index > 0 { text += "," }
                item.append(to: &text)
            }
            text += "]"
        case let .object(members):
            text += "{"
            for (index, member) in members.enumerated() {
                if index > 0 { text += "," }
                JSONValue.appendQuoted(member.key, to: &text)
                text += ":"
                member.value.append(to: &text)
            }
            text += "}"
        }
    }

    private static func appendQuoted(_ string: String, to text: inout String) {
        text += "\""
        for scalar in string.unicodeScalars {
            switch scalar {
            case "\"": text += "\\\""
            case "\\": text += "\\\\"
            case "\n": text += "\\n"
            case "\r": text += "\\r"
            case "\t": text += "\\t"
            default:
                if scalar.value < 0x20 {
                    text += String(format: "\\u%04x", scalar.value)
                } else {
                    text.unicodeScalars.append(scalar)
                }
            }
        }
        text += "\""
    }
}
