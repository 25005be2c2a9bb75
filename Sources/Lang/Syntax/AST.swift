// The syntax tree: expressions and statements, each with the source range it came from.

/// A node of the tree: what it is and the source range it came from. A class, so that the recursive kinds
/// hold their children by reference.
final class Node<Kind: Sendable>: Sendable {
    let kind: Kind
    let range: SourceRange

    init(_ kind: Kind, _ range: SourceRange) {
        self.kind = kind
        self.range = range
    }
}

/// An expression node.
typealias Expr = Node<ExpressionKind>

/// What an expression is.
enum ExpressionKind: Sendable {
    case number(Double)
    case string(String)
    case bool(Bool)
    case none
    case name(String)
    case list([Expr])
    case record([(key: String, value: Expr)])
    case unary(UnaryOperator, Expr)
    case binary(BinaryOperator, Expr, Expr)
    case and(Expr, Expr)
    case or(Expr, Expr)
    case call(Expr, [CallArgument])
    case index(Expr, [Expr])
    case slice(Expr, Expr?, Expr?)
    case attribute(Expr, String)
    case lambda(FunctionDefinition)
}

/// One argument of a call: positional when `label` is nil.
struct CallArgument {
    let label: String?
    let value: Expr
    let range: SourceRange
}

/// Prefix operators.
enum UnaryOperator: String {
    case negate = "-", plus = "+", not = "not"
}

/// Infix operators other than the short-circuiting `and`/`or`.
enum BinaryOperator: String {
    case add = "+", subtract = "-", multiply = "*", divide = "/", remainder = "%"
    case equal = "==", notEqual = "!=", less = "<", lessEqual = "<=", greater = ">", greaterEqual = ">="
    case contains = "in"
}

/// A parameter of a user function, with an optional default.
struct FunctionParameter {
    let name: String
    let defaultValue: Expr?
    let range: SourceRange
}

/// `fn name(params) = expr` or `fn name(params) { … }`; `name` is nil for a lambda.
struct FunctionDefinition: Sendable {
    let name: String?
    let parameters: [FunctionParameter]
    let body: Body
    let range: SourceRange

    enum Body: Sendable {
        case expression(Expr)
        case block([Stmt])
    }
}

/// A statement node.
typealias Stmt = Node<StatementKind>

/// What a statement is.
enum StatementKind: Sendable {
    /// An expression; `echo` is false when a `;` followed it.
    case expression(Expr, echo: Bool)
    /// `target = value`, or `target op= value` when `op` is given.
    case assign(target: Expr, op: BinaryOperator?, value: Expr)
    case ifElse(condition: Expr, then: [Stmt], otherwise: [Stmt]?)
    case forIn(name: String, iterable: Expr, body: [Stmt])
    case whileLoop(condition: Expr, body: [Stmt])
    case breakLoop
    case continueLoop
    case returnValue(Expr?)
    case function(FunctionDefinition)
}
