// Colours for charts: a sequential scale (viridis) for heatmaps, a categorical palette for series and clusters.

/// A 24-bit colour.
public struct RGB: Sendable, Equatable {
    public var red: UInt8
    public var green: UInt8
    public var blue: UInt8

    public init(_ red: UInt8, _ green: UInt8, _ blue: UInt8) {
        self.red = red
        self.green = green
        self.blue = blue
    }

    /// `#rrggbb` for SVG.
    public var hex: String {
        "#" + [red, green, blue].map { value in
            let digits = String(value, radix: 16)
            return digits.count == 1 ? "0" + digits : digits
        }.joined()
    }

    /// The nearest colour of the xterm 256-colour cube (16…231), which more terminals show than 24-bit colour.
    public var ansi256: Int {
        // The cube's six levels are not evenly spaced: 0, 95, 135, 175, 215, 255.
        let levels = [0, 95, 135, 175, 215, 255]
        func level(_ value: UInt8) -> Int {
            levels.indices.min { abs(levels[$0] - Int(value)) < abs(levels[$1] - Int(value)) } ?? 0
        }
        return 16 + 36 * level(red) + 6 * level(green) + level(blue)
    }
}

/// The colour scales charts use.
public enum ColourScale {
    /// Viridis (matplotlib) at nine even stops: perceptually uniform, readable in grey and by colour-blind readers.
    static let viridis: [RGB] = [
        RGB(0x44, 0x01, 0x54), RGB(0x47, 0x2c, 0x7a), RGB(0x3b, 0x51, 0x8b), RGB(0x2c, 0x71, 0x8e), RGB(0x21, 0x90, 0x8d),
        RGB(0x27, 0xad, 0x81), RGB(0x5c, 0xc8, 0x63), RGB(0xaa, 0xdc, 0x32), RGB(0xfd, 0xe7, 0x25),
    ]

    /// RdBu reversed (ColorBrewer) at nine even stops: blue for negative, near-white at zero, red for positive.
    static let divergingStops: [RGB] = [
        RGB(0x21, 0x66, 0xac), RGB(0x43, 0x93, 0xc3), RGB(0x92, 0xc5, 0xde), RGB(0xd1, 0xe5, 0xf0), RGB(0xf7, 0xf7, 0xf7),
        RGB(0xfd, 0xdb, 0xc7), RGB(0xf4, 0xa5, 0x82), RGB(0xd6, 0x60, 0x4d), RGB(0xb2, 0x18, 0x2b),
    ]

    /// Tableau 10: distinct hues for up to ten series or clusters (then it repeats).
    static let categorical: [RGB] = [
        RGB(0x4e, 0x79, 0xa7), RGB(0xf2, 0x8e, 0x2b), RGB(0xe1, 0x57, 0x59), RGB(0x76, 0xb7, 0xb2), RGB(0x59, 0xa1, 0x4f),
        RGB(0xed, 0xc9, 0x48), RGB(0xb0, 0x7a, 0xa1), RGB(0xff, 0x9d, 0xa7), RGB(0x9c, 0x75, 0x5f), RGB(0xba, 0xb0, 0xac),
    ]

    /// Characters from light to dark for heatmaps without colour (a missing cell is a space).
    public static let shades: [Character] = Array(".:-=+*#%@")

    /// The sequential colour at `t` in [0, 1] (clamped), interpolated between viridis stops.
    public static func sequential(_ t: Double) -> RGB { interpolate(viridis, t) }

    /// The diverging colour at `t` in [0, 1] (clamped): 0.5 is the neutral middle (zero).
    public static func diverging(_ t: Double) -> RGB { interpolate(divergingStops, t) }

    /// Linear interpolation in RGB between evenly spaced stops.
    private static func interpolate(_ stops: [RGB], _ t: Double) -> RGB {
        let clamped = t.isFinite ? min(max(t, 0), 1) : 0
        let scaled = clamped * Double(stops.count - 1)
        let index = min(Int(scaled), stops.count - 2)
        let fraction = scaled - Double(index)
        let a = stops[index], b = stops[index + 1]
        func mix(_ x: UInt8, _ y: UInt8) -> UInt8 { UInt8((Double(x) + (Double(y) - Double(x)) * fraction).rounded()) }
        return RGB(mix(a.red, b.red), mix(a.green, b.green), mix(a.blue, b.blue))
    }

    /// The shade character at `t` in [0, 1] (clamped): equal-width bands from `.` to `@`.
    public static func shade(_ t: Double) -> Character {
        let clamped = t.isFinite ? min(max(t, 0), 1) : 0
        return shades[min(Int(clamped * Double(shades.count)), shades.count - 1)]
    }

    /// The colour of series or cluster `index`.
    public static func category(_ index: Int) -> RGB {
        categorical[((index % categorical.count) + categorical.count) % categorical.count]
    }

    /// Where `value` falls between `lower` and `upper`, in [0, 1] (0.5 when they are equal).
    public static func fraction(_ value: Double, lower: Double, upper: Double) -> Double {
        upper > lower ? min(max((value - lower) / (upper - lower), 0), 1) : 0.5
    }
}
