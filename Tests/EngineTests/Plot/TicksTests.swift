// Nice ticks and colour scales, checked against hand-worked values.
import Testing
@testable import Engine

@Test func linearTicksUseNiceStepsAndRoundTheDomainOutwards() {
    // Range 150 over ~4 ticks: raw step 37.5 → 50; 200…350 are already multiples.
    let rank = Ticks.linear(200...350, target: 4)
    #expect(rank.values == [200, 250, 300, 350])
    #expect(rank.labels == ["200", "250", "300", "350"])
    // Raw step 0.2 is nice; 0.03…0.97 rounds out to 0…1 and labels carry one decimal.
    let unit = Ticks.linear(0.03...0.97, target: 5)
    #expect(unit.domain == 0...1)
    #expect(unit.labels == ["0", "0.2", "0.4", "0.6", "0.8", "1.0"])
    // 2.5 steps need two decimals at 0.25.
    #expect(Ticks.linear(0...1, target: 4).labels == ["0", "0.25", "0.50", "0.75", "1.00"])
    // Noise from arithmetic must not show: 0.1 + 0.2 steps print as 0.3.
    #expect(Ticks.linear(0...0.3, target: 3).labels == ["0", "0.1", "0.2", "0.3"])
}

@Test func integerTicksNeverFallBetweenWholeNumbers() {
    // Layers 0…11 over ~4 ticks: raw 2.75 → 5 (2.5 is not allowed for whole numbers).
    let layers = Ticks.linear(0...11, target: 4, integer: true, exact: true)
    #expect(layers.values == [0, 5, 10])
    #expect(layers.domain == 0...11)
    // Never a step below 1.
    #expect(Ticks.linear(0...2, target: 10, integer: true).values == [0, 1, 2])
}

@Test func constantDataStillGetsAnAxis() {
    let ticks = Ticks.linear(5...5, target: 4)
    #expect(ticks.domain.lowerBound < 5 && ticks.domain.upperBound > 5)
    #expect(ticks.values.contains(5))
    #expect(Ticks.linear(0...0, target: 2).domain == -1...1)
    // A range that overflows Double still gets its two ends, at once.
    #expect(Ticks.linear(-1e308...1e308, target: 5).values == [-1e308, 1e308])
}

@Test func logTicksFallOnDecades() {
    // 0.026 rounds down to 0.02 (1, 2, 5 × 10ⁿ), which is labelled; decades 0.1 … 100 lie inside.
    let ticks = Ticks.logarithmic(0.026...100, target: 5)
    #expect(ticks.domain == 0.02...100)
    #expect(ticks.values == [0.02, 0.1, 1, 10, 100])
    #expect(ticks.labels == ["0.02", "0.1", "1", "10", "100"])
    #expect(abs(Ticks.logarithmic(0.1...100, target: 5).position(of: 1) - 1.0 / 3) < 1e-12)
    // Eight decades over ~3 ticks: every third decade.
    #expect(Ticks.logarithmic(1e-6...90, target: 3).labels == ["1e-6", "0.001", "1", "100"])
    // A singular-value spectrum from 0.53 to 9.7: domain 0.5…10, too few decades, so 2× and 5× too.
    let spectrum = Ticks.logarithmic(0.53...9.7, target: 4)
    #expect(spectrum.domain == 0.5...10)
    #expect(spectrum.labels == ["0.5", "1", "2", "5", "10"])
    #expect(Ticks.logarithmic(2...8, target: 4).values == [2, 5, 10])
    // Every other decade (0.0017…0.8 over ~2 ticks): no 2× and 5× in between, which would crowd a short axis.
    #expect(Ticks.logarithmic(0.0017...0.8, target: 2).values == [0.001, 0.1, 1])
}

@Test func sequentialScaleIsViridisAndShadesAreEqualBands() {
    #expect(ColourScale.sequential(0).hex == "#440154")
    #expect(ColourScale.sequential(1).hex == "#fde725")
    #expect(ColourScale.sequential(0.5).hex == "#21908d")
    // Halfway between the first two stops: (0x44+0x47)/2 = 69.5 → 70 (0x46), (0x01+0x2c)/2 = 22.5 → 23 (0x17), (0x54+0x7a)/2 = 103.
    #expect(ColourScale.sequential(1.0 / 16) == RGB(0x46, 0x17, 0x67))
    #expect(ColourScale.shade(0) == "." && ColourScale.shade(1) == "@" && ColourScale.shade(0.5) == "+")
    #expect(ColourScale.shade(.nan) == ".")
}

@Test func ansiColoursAreTheNearestCubeEntries() {
    #expect(RGB(0, 0, 0).ansi256 == 16)
    #expect(RGB(255, 255, 255).ansi256 == 231)
    #expect(RGB(255, 0, 0).ansi256 == 196)
    // 95, 135, 175 are cube levels 1, 2, 3: 16 + 36 + 12 + 3.
    #expect(RGB(95, 135, 175).ansi256 == 67)
    // 60 is nearer 95 than 0 (levels are 0, 95, 135, …).
    #expect(RGB(60, 0, 0).ansi256 == 16 + 36)
}

@Test func scientificLabelsCarryTheDigitsThatTellTicksApart() {
    // Ticks 2 apart at a million: seven digits, not "1e6" seven times.
    let million = Ticks.linear(1_000_000...1_000_010, target: 5)
    #expect(million.labels == ["1000000", "1000002", "1000004", "1000006", "1000008", "1000010"])
    // The usual case keeps three digits at most: 1e6…3e6 in 5e5 steps.
    #expect(Ticks.linear(1e6...3e6, target: 4).labels == ["1e6", "1.5e6", "2e6", "2.5e6", "3e6"])
    // 2.5 steps need one digit more: 1e6 + 2.5e5 k.
    #expect(Ticks.linear(1e6...2e6, target: 4).labels == ["1e6", "1.25e6", "1.5e6", "1.75e6", "2e6"])
    // Around 1e20, ticks 2.5e13 apart (a histogram of one repeated value): every label differs from the others
    // and reads back as its tick.
    let huge = Ticks.linear((1e20 - 1e14)...(1e20 + 1e14), target: 8)
    let step = huge.values[1] - huge.values[0]
    #expect(Set(huge.labels).count == huge.labels.count, "\(huge.labels)")
    for (value, label) in zip(huge.values, huge.labels) {
        #expect(abs(Double(label)! - value) < step / 100, "\(label) for \(value)")
    }
}
