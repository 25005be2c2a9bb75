// scipy.optimize.fmin's Nelder–Mead simplex search, for one variable.

/// The one-variable Nelder–Mead minimiser of `scipy.optimize.fmin` with its defaults (reflection 1,
/// expansion 2, contraction ½, shrink ½, initial step +5 %, xtol = ftol = 1e-4, at most 200 iterations and
/// 200 evaluations). WeightWatcher's Marchenko–Pastur fit polishes its grid search with exactly this, so the
/// steps are reproduced one for one: the same sequence of trial points gives the same minimum.
enum NelderMead {
    /// The minimiser of `f` found from `start`.
    static func minimize(_ f: (Double) -> Double, from start: Double) -> Double {
        var points = [start, start != 0 ? 1.05 * start : 0.00025]
        var values = points.map(f)
        var evaluations = 2
        let limit = 200
        // Keep the better point first; on a tie the earlier stays first, as numpy's argsort of two does.
        func order() {
            if values[1] < values[0] { points.swapAt(0, 1); values.swapAt(0, 1) }
        }
        order()
        var iterations = 1
        while evaluations < limit, iterations < limit {
            if abs(points[1] - points[0]) <= 1e-4, abs(values[0] - values[1]) <= 1e-4 { break }
            let centre = points[0], worst = points[1]
            let reflected = 2 * centre - worst
            let reflectedValue = f(reflected)
            evaluations += 1
            var shrink = false
            if reflectedValue < values[0] {
                let expanded = 3 * centre - 2 * worst
                let expandedValue = f(expanded)
                evaluations += 1
                (points[1], values[1]) = expandedValue < reflectedValue ? (expanded, expandedValue) : (reflected, reflectedValue)
            } else if reflectedValue < values[1] {
                let contracted = 1.5 * centre - 0.5 * worst
                let contractedValue = f(contracted)
                evaluations += 1
                if contractedValue <= reflectedValue { (points[1], values[1]) = (contracted, contractedValue) } else { shrink = true }
            } else {
                let inside = 0.5 * centre + 0.5 * worst
                let insideValue = f(inside)
                evaluations += 1
                if insideValue < values[1] { (points[1], values[1]) = (inside, insideValue) } else { shrink = true }
            }
            if shrink {
                points[1] = points[0] + 0.5 * (points[1] - points[0])
                values[1] = f(points[1])
                evaluations += 1
            }
            iterations += 1
            order()
        }
        return points[0]
    }
}
