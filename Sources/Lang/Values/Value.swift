// The values of the mvs language.
import Engine

/// A value in mvs.
public indirect enum Value: @unchecked Sendable {  // unchecked: functions (see Function) are the one case that is not Sendable
    /// A number; `decimals` is set only by `round(x, digits)` and makes its display show exactly that many
    /// decimals (193.0 rounded to one shows `193.0`). Arithmetic drops it: it is display, not value.
    case number(Double, decimals: Int? = nil)
    case bool(Bool)
    case string(String)
    case none
    case list([Value])
    case record(Record)
    case tensor(Tensor)
    case model(Model)
    case table(Table)
    /// A table column that behaves like a vector (`r.erank / 2`, `r.layer == 5`), or a mask of bools.
    case column(ColumnValue)
    case function(Function)
    /// A lazy list of models (`models("manifest.csv")`).
    case zoo(Zoo)
    /// One vector per model (`vectorize`, `similarity`).
    case vectors(VectorSet)
    /// The result of `cluster`.
    case clustering(Clustering)

    /// The type name used in messages (`number`, `tensor`, `model`, …).
    public var typeName: String {
        switch self {
        case .number: return "number"
        case .bool: return "bool"
        case .string: return "string"
        case .none: return "none"
        case .list: return "list"
        case .record: return "record"
        case .tensor: return "tensor"
        case let .model(model): return model.kind == .delta ? "delta" : "model"
        case .table: return "table"
        case let .column(column): return column.values.isMask ? "mask" : "column"
        case .function: return "function"
        case .zoo: return "zoo"
        case .vectors: return "vectors"
        case .clustering: return "clustering"
        }
    }
}

/// An ordered record `{a: 1, b: "x"}`.
public struct Record: Sendable {
    /// Fields in insertion order.
    public private(set) var fields: [(key: String, value: Value)]

    public init(_ fields: [(key: String, value: Value)] = []) { self.fields = fields }

    /// The value of a field.
    public subscript(key: String) -> Value? {
        get { fields.first { $0.key == key }?.value }
        set {
            if let position = fields.firstIndex(where: { $0.key == key }) {
                if let newValue { fields[position].value = newValue } else { fields.remove(at: position) }
            } else if let newValue {
                fields.append((key, newValue))
            }
        }
    }

    /// Field names in order.
    public var keys: [String] { fields.map(\.key) }
}
