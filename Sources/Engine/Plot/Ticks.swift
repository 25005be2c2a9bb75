// Nice tick values for an axis (1, 2, 2.5, 5 × 10ⁿ steps; decades on a log axis) and their labels.
import Foundation

/// The ticks of one axis and the domain they span; also maps values to positions along the axis.
public struct Ticks: Sendable, Equatable {
    /// Tick values, increasing.
    public let values: [Double]
    /// One label per tick.
    public let labels: [String]
    /// The drawn domain (the data range rounded outwards to ticks unless `exact`).
    public let domain: ClosedRange<Double>
    /// Whether positions are logarithmic.
    public let log: Bool

    /// The position of `value` along the axis: 0 at the domain's start, 1 at its end (outside for values outside).
    public func position(of value: Double) -> Double {
        let lower = log ? Foundation.log10(domain.lowerBound) : domain.lowerBound
        let upper = log ? Foundation.log10(domain.upperBound) : domain.upperBound
        let v = log ? Foundation.log10(value) : value
        return upper > lower ? (v - lower) / (upper - lower) : 0.5
    }

    /// Ticks for `range` on a linear or logarithmic axis, aiming at about `target` ticks.
    /// With `exact`, the domain is `range` itself and only ticks inside it are kept.
    public static func make(_ range: ClosedRange<Double>, target: Int, log: Bool = false, integer: Bool = false,
                            exact: Bool = false) -> Ticks {
        log ? logarithmic(range, target: target, exact: exact)
            : linear(range, target: target, integer: integer, exact: exact)
    }

    /// Linear ticks with steps of 1, 2, 2.5 or 5 times a power of ten (2.5 only when fractions are allowed).
    public static func linear(_ range: ClosedRange<Double>, target: Int, integer: Bool = false, exact: Bool = false) -> Ticks {
        var lower = range.lowerBound, upper = range.upperBound
        if upper <= lower {
            // A constant series still needs an axis: widen around the value.
            let pad = lower == 0 ? 1 : abs(lower) * 0.1
            lower -= pad
            upper += pad
        }
        let step = niceStep((upper - lower) / Double(max(target, 1)), integer: integer)
        // A bound within rounding noise of a tick (-2.0000000000000004 from a PCA) stays on that tick.
        let first = (lower / step + 1e-9).rounded(.down), last = (upper / step - 1e-9).rounded(.up)
        guard (last - first).isFinite, last - first <= 1_000 else {
            // A range too wide for Double arithmetic (±1e308): just the ends, never a million-step loop.
            return Ticks(values: [lower, upper], labels: [shortLabel(lower), shortLabel(upper)], domain: lower...upper, log: false)
        }
        let domainLower = exact ? lower : first * step
        let domainUpper = exact ? upper : last * step
        let tolerance = step * 1e-9
        var values: [Double] = []
        var index = first
        while index <= last {
            let value = clean(index * step, step: step)
            if value >= domainLower - tolerance, value <= domainUpper + tolerance { values.append(value) }
            index += 1
        }
        let decimals = decimalsFor(step), significant = significantDigits(values, step: step)
        return Ticks(values: values, labels: values.map { label($0, decimals: decimals, significant: significant) },
                     domain: domainLower...domainUpper, log: false)
    }

    /// Logarithmic ticks at powers of ten (every k-th decade when there are many), with 2× and 5× added when
    /// every decade is ticked and fewer than three fall inside; the domain is rounded outwards to 1, 2 or 5 × 10ⁿ
    /// and its ends are ticks.
    public static func logarithmic(_ range: ClosedRange<Double>, target: Int, exact: Bool = false) -> Ticks {
        var lower = range.lowerBound, upper = range.upperBound
        if !(lower > 0) { lower = upper > 0 ? upper / 10 : 1 }
        if upper <= lower { upper = lower * 10 }
        let domain = exact ? lower...upper : logNice(lower, down: true)...logNice(upper, down: false)
        let inside = { (value: Double) in value >= domain.lowerBound * (1 - 1e-9) && value <= domain.upperBound * (1 + 1e-9) }
        let lowDecade = Int(Foundation.log10(domain.lowerBound).rounded(.down))
        let highDecade = Int(Foundation.log10(domain.upperBound).rounded(.up))
        let every = max(1, Int((Double(highDecade - lowDecade) / Double(max(target, 1))).rounded(.up)))
        let decades = stride(from: lowDecade, through: highDecade, by: 1).filter { ($0 - lowDecade) % every == 0 }
        var values = decades.map { Foundation.pow(10, Double($0)) }.filter(inside)
        if every == 1, values.count < 3 {
            values += decades.flatMap { decade in [2.0, 5.0].map { $0 * Foundation.pow(10, Double(decade)) } }.filter(inside)
        }
        // The rounded ends (0.02, 2) are labelled too, so the reader sees where the axis stops.
        if !exact {
            for end in [domain.lowerBound, domain.upperBound] where !values.contains(where: { abs($0 / end - 1) < 1e-9 }) {
                values.append(end)
            }
        }
        values.sort()
        return Ticks(values: values, labels: values.map(logLabel), domain: domain, log: true)
    }

    /// The nearest 1, 2 or 5 × 10ⁿ at or below (`down`) or at or above `value`.
    private static func logNice(_ value: Double, down: Bool) -> Double {
        let base = Foundation.pow(10, Foundation.log10(value).rounded(.down))
        let multiples: [Double] = down ? [5, 2, 1] : [1, 2, 5, 10]
        let tolerance = 1e-9
        return down ? (multiples.first { $0 * base <= value * (1 + tolerance) } ?? 1) * base
                    : (multiples.first { $0 * base >= value * (1 - tolerance) } ?? 10) * base
    }

    /// The smallest nice step (1, 2, 2.5, 5 × 10ⁿ) at least `raw`.
    static func niceStep(_ raw: Double, integer: Bool) -> Double {
        guard raw > 0, raw.isFinite else { return 1 }
        let magnitude = Foundation.pow(10, Foundation.log10(raw).rounded(.down))
        let fraction = raw / magnitude
        let multiples: [Double] = integer && magnitude < 10 ? [1, 2, 5, 10] : [1, 2, 2.5, 5, 10]
        let nice = multiples.first { fraction <= $0 * (1 + 1e-9) } ?? 10
        return integer ? max(1, nice * magnitude) : nice * magnitude
    }

    /// Removes floating-point noise such as 0.30000000000000004 by rounding to the step's precision.
    private static func clean(_ value: Double, step: Double) -> Double {
        let scale = Foundation.pow(10, Double(decimalsFor(step) + 2))
        let cleaned = (value * scale).rounded() / scale
        return cleaned == 0 ? 0 : cleaned
    }

    /// How many decimals a step needs (2.5 → 1, 0.25 → 2, 50 → 0).
    private static func decimalsFor(_ step: Double) -> Int {
        var decimals = 0
        while decimals < 12, abs(step * Foundation.pow(10, Double(decimals)) - (step * Foundation.pow(10, Double(decimals))).rounded()) > 1e-6 {
            decimals += 1
        }
        return decimals
    }

    /// A tick label: fixed decimals, or scientific notation with `significant` digits for very large or very
    /// small values.
    static func label(_ value: Double, decimals: Int, significant: Int) -> String {
        if value == 0 { return "0" }
        if abs(value) >= 1e6 || abs(value) < 1e-4 { return compactScientific(value, significant: significant) }
        return String(format: "%.\(decimals)f", value)
    }

    /// Significant digits that tell ticks `step` apart in scientific labels: three, or more when the step is
    /// small beside the values (ticks 2e13 apart around 1e20 need eight: `1.0000002e20`, not `1e20` for all).
    private static func significantDigits(_ values: [Double], step: Double) -> Int {
        guard let largest = values.map(abs).max(), largest > 0, step > 0 else { return 3 }
        let stepExponent = Int(Foundation.log10(step).rounded(.down))
        // A 2.5 × 10ⁿ step puts a second digit below 10ⁿ (…2.5, …5.0, …7.5).
        let extra = decimalsFor(step / Foundation.pow(10, Double(stepExponent))) > 0 ? 2 : 1
        return min(17, max(3, Int(Foundation.log10(largest).rounded(.down)) - stepExponent + extra))
    }

    /// A label for a power of ten (or 2×, 5× one): plain between 0.001 and 10000, else `1e-5`.
    static func logLabel(_ value: Double) -> String {
        if value >= 1e-3, value < 1e5 {
            let decimals = max(0, -Int(Foundation.log10(value).rounded(.down)))
            return String(format: "%.\(decimals)f", value)
        }
        return compactScientific(value)
    }

    /// `2.5e-05` → `2.5e-5`, with `significant` digits at most (`%g` drops trailing zeros).
    private static func compactScientific(_ value: Double, significant: Int = 3) -> String {
        let text = String(format: "%.\(significant)g", value)
        guard let e = text.firstIndex(of: "e") else { return text }
        let mantissa = text[..<e]
        var exponent = String(text[text.index(after: e)...])
        let sign = exponent.hasPrefix("-") ? "-" : ""
        exponent = String(exponent.drop { $0 == "+" || $0 == "-" || $0 == "0" })
        return "\(mantissa)e\(sign)\(exponent.isEmpty ? "0" : exponent)"
    }

    /// A short label for any value (tooltips, colour-scale ends): four significant digits.
    public static func shortLabel(_ value: Double) -> String {
        if value == 0 { return "0" }
        if abs(value) >= 1e6 || abs(value) < 1e-4 { return compactScientific(value) }
        var text = String(format: "%.4g", value)
        if text.contains("e") { text = compactScientific(value) }
        return text
    }
}
