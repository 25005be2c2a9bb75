// Picture pieces against hand-worked numbers: both bicubic resamplers, crops, grids, ImageNet normalisation, PNG files.
@testable import Engine
import Foundation
import Testing

/// PyTorch's bicubic (a = −0.75, half-pixel, clamped) halving [0, 1, 2, 3]: output 0 sits at source 0.5 with taps at
/// −1 (clamped to 0), 0, 1, 2 and weights c(1.5) = −0.09375, c(0.5) = 0.59375, c(0.5), c(1.5); output 1 at source 2.5.
@Test func torchBicubicHalvesARampAsWorkedByHand() throws {
    let out = try Resample.resize([0, 1, 2, 3], height: 1, width: 4, channels: 1, toHeight: 1, toWidth: 2, filter: .torch)
    #expect(abs(out[0] - 0.40625) < 1e-6)
    #expect(abs(out[1] - 2.59375) < 1e-6)
}

/// Pillow's bicubic (a = −0.5) halving [0, 1, 2, 3]: the kernel is stretched by 2, so output 0 (centre 1.0) takes
/// inputs 0…3 at distances −0.25, 0.25, 0.75, 1.25 with weights 0.8671875, 0.8671875, 0.2265625, −0.0703125, renormalised.
@Test func pillowBicubicHalvesARampAsWorkedByHand() throws {
    let out = try Resample.resize([0, 1, 2, 3], height: 1, width: 4, channels: 1, toHeight: 1, toWidth: 2, filter: .pillow)
    let weights: [Float] = [0.8671875, 0.8671875, 0.2265625, -0.0703125]
    let expected = (weights[1] + 2 * weights[2] + 3 * weights[3]) / weights.reduce(0, +)
    #expect(abs(out[0] - expected) < 1e-6)
    #expect(abs(out[0] - 0.58677686) < 1e-6)
}

@Test func resamplingToTheSameSizeChangesNothing() throws {
    var random = SeededRandom(seed: 3, label: "test")
    let values = (0..<(5 * 7 * 2)).map { _ in Float(random.gaussian()) }
    for filter in [Resample.Filter.pillow, .torch] {
        let out = try Resample.resize(values, height: 5, width: 7, channels: 2, toHeight: 5, toWidth: 7, filter: filter)
        #expect(zip(out, values).allSatisfy { abs($0 - $1) < 1e-6 })
    }
    #expect(throws: EngineError.self) {
        try Resample.resize(values, height: 5, width: 7, channels: 3, toHeight: 2, toWidth: 2, filter: .torch)
    }
}

@Test func cropsFitsAndGridsPlacePixelsWhereExpected() throws {
    // A 3 × 2 picture whose red channel counts pixels 0…5.
    let picture = try RGBImage(width: 3, height: 2, pixels: (0..<6).flatMap { [Float($0), 0, 0] })
    let crop = try picture.cropped(left: 1, top: 1, width: 2, height: 1)
    #expect(crop.pixels == [4, 0, 0, 5, 0, 0])
    #expect(throws: EngineError.self) { try picture.cropped(left: 2, top: 0, width: 2, height: 1) }
    // Two 1 × 1 pictures side by side with one white pixel around: 5 × 3.
    let a = try RGBImage(width: 1, height: 1, pixels: [0, 0, 0]), b = try RGBImage(width: 1, height: 1, pixels: [0.5, 0.5, 0.5])
    let grid = try RGBImage.grid([a, b], columns: 2, padding: 1)
    #expect(grid.width == 5 && grid.height == 3)
    #expect(Array(grid.pixels[((1 * 5 + 1) * 3)..<((1 * 5 + 2) * 3)]) == [0, 0, 0])
    #expect(Array(grid.pixels[((1 * 5 + 3) * 3)..<((1 * 5 + 4) * 3)]) == [0.5, 0.5, 0.5])
    #expect(grid.pixels[0] == 1 && grid.pixels[(1 * 5 + 2) * 3] == 1)
    // Fitting a 4 × 2 picture to 2: the shorter side is already 2, the central 2 × 2 square stays.
    let wide = try RGBImage(width: 4, height: 2, pixels: (0..<8).flatMap { [Float($0) / 8, 0, 0] })
    #expect(try wide.fitted(to: 2).pixels == (try wide.cropped(left: 1, top: 0, width: 2, height: 2)).pixels)
}

@Test func imageNetNormalisationIsChannelsFirstAndInvertible() throws {
    let picture = try RGBImage(width: 2, height: 1, pixels: [0.485, 0.456, 0.406, 1, 1, 1])
    let input = ImageNetNormalization.normalize(picture)
    // Channels first: R of pixel 0, R of pixel 1, G…, B…; the mean maps to 0 and 1 to (1 − mean)/std.
    #expect(abs(input[0]) < 1e-6 && abs(input[2]) < 1e-6 && abs(input[4]) < 1e-6)
    #expect(abs(input[1] - (1 - 0.485) / 0.229) < 1e-5 && abs(input[5] - (1 - 0.406) / 0.225) < 1e-5)
    let back = try ImageNetNormalization.picture(input, width: 2, height: 1)
    #expect(zip(back.pixels, picture.pixels).allSatisfy { abs($0 - $1) < 1e-6 })
}

@Test func pngFilesRoundTripAndDamagedFilesNameThemselves() throws {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("mvs-image-\(UUID().uuidString)").path
    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: directory) }
    let levels: [Float] = [0, 1, 2, 3, 254, 255].map { $0 / 255 }
    let picture = try RGBImage(width: 2, height: 3, pixels: (0..<18).map { levels[$0 % 6] })
    let path = directory + "/p.png"
    try ImageFile.writePNG(picture, to: path)
    #expect(try ImageFile.read(path) == picture)
    // An existing file is kept unless asked.
    #expect(throws: EngineError.self) { try ImageFile.writePNG(picture, to: path) }
    try ImageFile.writePNG(picture, to: path, overwrite: true)
    let bytes = try Data(contentsOf: URL(fileURLWithPath: path))
    let truncated = directory + "/t.png"
    try bytes.prefix(bytes.count - 20).write(to: URL(fileURLWithPath: truncated))
    do {
        _ = try ImageFile.read(truncated)
        Issue.record("a truncated PNG was read")
    } catch let error as EngineError {
        #expect("\(error)".contains(truncated))
    }
    // The same bytes from memory (the fuzzer's entry point) decode alike, and a cut copy names itself.
    #expect(try ImageFile.read(MappedFile(bytes: Array(bytes), name: "memory.png")) == picture)
    let cut = #expect(throws: EngineError.self) {
        try ImageFile.read(MappedFile(bytes: Array(bytes.prefix(40)), name: "cut.png"))
    }
    let message = cut.map { "\($0)" } ?? ""
    #expect(message.contains("cut.png") && message.contains("ends early"), "\(message)")
}
