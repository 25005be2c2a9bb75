// Help texts generated from the builtin registry: the overview, one builtin, and a search.
import Engine

/// Help for builtins, read from the registry (so help, completion and calls cannot drift apart).
public enum Help {
    /// Every builtin, grouped, one line each, with a short language summary.
    public static func overview() -> String {
        var lines = ["Builtins (help(\"NAME\") or .help NAME for details):"]
        var groups: [String] = []
        for builtin in BuiltinRegistry.all where !groups.contains(builtin.group) { groups.append(builtin.group) }
        let width = min(28, BuiltinRegistry.all.map { $0.name.count }.max() ?? 0)
        for group in groups {
            lines.append("")
            lines.append("  \(group):")
            for builtin in BuiltinRegistry.all where builtin.group == group {
                lines.append("    \(builtin.name.padding(toLength: max(width, builtin.name.count), withPad: " ", startingAt: 0))  \(builtin.summary)")
            }
        }
        lines += [
            "",
            "Language: x = 1 · \"text\" · [1, 2] · {a: 1} · x[i], x[a:b], x.field · + - * / % · == != < <= > >= · and or not · in",
            "  if c { } else if c { } else { } · for x in xs { } · while c { } · break · continue",
            "  fn f(a, b=1) = a + b · fn g(x) { return x } · x |> f(y) means f(x, y) · # comment",
        ]
        return lines.joined(separator: "\n")
    }

    /// The language's keywords, for `help("for")` / `.help for`.
    static let keywords: [String: String] = [
        "if": "if CONDITION { … } else if CONDITION { … } else { … }   CONDITION must be true or false",
        "else": "if CONDITION { … } else { … }   (at the prompt, write '} else {' on one line)",
        "for": "for NAME in VALUE { … }   over a list, string (characters), record (field names), tensor (rows), table (rows) or zoo",
        "in": "for NAME in VALUE { … }, and X in Y: list membership, substring, record field, model parameter",
        "while": "while CONDITION { … }   stop a runaway loop with Ctrl-C",
        "break": "break   leaves the innermost loop",
        "continue": "continue   goes on with the next iteration of the innermost loop",
        "fn": "fn NAME(a, b=1) = EXPRESSION   or   fn NAME(a) { … return VALUE }   or a lambda fn(x) = x * 2",
        "return": "return VALUE   ends a function with VALUE (none when omitted)",
        "and": "A and B   both true (B is not evaluated when A is false)",
        "or": "A or B   either true (B is not evaluated when A is true)",
        "not": "not A   negates a bool",
        "true": "the bool values true and false", "false": "the bool values true and false",
        "none": "none   the absent value (what a function without return gives)",
    ]

    /// Details of one builtin (signature, summary, example) or keyword; nil when there is none by that name.
    public static func topic(_ name: String) -> String? {
        if let keyword = keywords[name] { return "\(name) (keyword)\n  \(keyword)" }
        guard let builtin = BuiltinRegistry.byName[name] else { return nil }
        return "\(builtin.signature)\n  \(builtin.summary)\n  example: \(builtin.example)"
    }

    /// Builtins whose name or summary contains `pattern` (case-insensitive), one line each.
    public static func search(_ pattern: String) -> String {
        let needle = pattern.lowercased()
        let found = BuiltinRegistry.all.filter { $0.name.lowercased().contains(needle) || $0.summary.lowercased().contains(needle) }
        if found.isEmpty {
            return "no builtin matches '\(pattern)'" + Suggest.hint(for: pattern, in: BuiltinRegistry.all.map(\.name))
        }
        return found.map { "\($0.signature)  — \($0.summary)" }.joined(separator: "\n")
    }

    /// What `help(x)` / `.help x` shows: a builtin's details, or a search.
    public static func text(for query: String?) -> String {
        guard let query, !query.isEmpty else { return overview() }
        return topic(query) ?? search(query)
    }
}
