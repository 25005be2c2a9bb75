// Inputs random fuzzing rarely reaches (shared and deep structures, huge and zero dimensions, lying
// counts, long runs): each gives one clean error or a correct result within a time budget (issue 22).
import Foundation
import Testing
@testable import Engine

@Suite struct AdversarialInputTests {
    /// CPU seconds of the test's own thread: generous for a debug build, yet far below what any of the
    /// old defects took (minutes to forever); CPU time, not wall time, so a loaded machine cannot fail it.
    /// Three times as much under AddressSanitizer (scripts/sanitize): its bookkeeping of every allocation
    /// makes these parsers about five times slower, and the 120,000-shard index took 5.5 s there in one run.
    /// Still far below the quadratic index's 79 s, which was in a release build.
    static let budget: Double = underAddressSanitizer ? 15 : 5

    /// Whether this process carries the ASan runtime (its `__asan_init` is visible to `dlsym`).
    static let underAddressSanitizer = dlsym(dlopen(nil, RTLD_NOW), "__asan_init") != nil

    /// CPU time consumed so far by the calling thread, in seconds.
    static func threadCPUSeconds() -> Double {
        var now = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now)
        return Double(now.tv_sec) + Double(now.tv_nsec) * 1e-9
    }

    static let corpus = Result { () throws -> (directory: String, manifest: [JSONValue]) in
        let (directory, manifest) = try ModelFixtures.generate("adversarial.py")
        return (directory, manifest.arrayValue ?? [])
    }

    /// Runs `body` and fails the test when it takes longer than the budget.
    func timed<T>(_ what: String, _ body: () throws -> T) rethrows -> T {
        let start = Self.threadCPUSeconds()
        defer {
            let elapsed = Self.threadCPUSeconds() - start
            #expect(elapsed < Self.budget, "\(what) took \(elapsed) s")
        }
        return try body()
    }

    @Test func everyAdversarialFileEndsCleanlyWithinTheBudget() throws {
        let (directory, manifest) = try Self.corpus.get()
        #expect(manifest.count >= 14)
        for item in manifest {
            let load = item["load"]?.stringValue ?? "", expected = item["error"]?.stringValue ?? ""
            let variant = item["variant"]?.stringValue ?? load
            timed(variant) {
                do {
                    let model = try ModelLoader.load(directory + "/" + load)
                    for parameter in model.parameters {
                        let tensor = try parameter.load()
                        if tensor.shape.count == 2 { _ = try Linalg.transpose(tensor) }
                    }
                    #expect(expected.isEmpty, "\(variant): loaded, expected '\(expected)'")
                } catch let error as EngineError {
                    #expect(!expected.isEmpty && error.description.contains(expected), "\(variant): \(error.description)")
                } catch {
                    Issue.record("\(variant): not an EngineError: \(error)")
                }
            }
        }
    }

    @Test func zeroSizeMatrixTransposesToTheSwappedEmptyShape() throws {
        let tensor = try Tensor(shape: [0, 384], values: [])
        #expect(try Linalg.transpose(tensor).shape == [384, 0])
    }

    // The last two have every dimension within bounds but a product past Int.max: only the overflow check stops them.
    @Test(arguments: [[0, 1 << 40, 1 << 40], [8_000_000_000_000_000, 0], [1 << 33], [1 << 62, 4, 0], [1 << 32, 1 << 32], [1 << 21, 1 << 21, 1 << 21]])
    func absurdDimensionsHaveNoElementCountEvenWhenEmpty(shape: [Int]) {
        #expect(Shape.elementCount(shape) == nil)
    }

    @Test func honestShapesKeepTheirCounts() {
        #expect(Shape.elementCount([0, 384]) == 0)
        #expect(Shape.elementCount([30522, 384]) == 30522 * 384)
        #expect(Shape.elementCount([]) == 1)
        #expect(Shape.elementCount([Shape.maximumDimension, 1]) == Shape.maximumDimension)
    }

    @Test(arguments: [1000, 2000, 20000])
    func longJamoRunsAreOneUnknownWordInLinearTime(count: Int) throws {
        // ᄀ (U+1100) is a combining-capable jamo: a run of them is few grapheme clusters but many scalars.
        let tokenizer = try WordPieceTokenizer(tokens: ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "ᄀ", "##ᄀ"], lowercase: false)
        let text = String(repeating: "\u{1100}", count: count)
        let ids = timed("\(count) jamo") { tokenizer.encode(text).map(\.id) }
        #expect(ids == [2, 1, 3])
    }

    @Test func aHundredScalarWordStillTokenizes() throws {
        let tokenizer = try WordPieceTokenizer(tokens: ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "ᄀ", "##ᄀ"], lowercase: false)
        let ids = tokenizer.encode(String(repeating: "\u{1100}", count: 100)).map(\.id)
        #expect(ids == [2, 4] + Array(repeating: 5, count: 99) + [3])
    }

    @Test(arguments: ["Path,\n///2//,", "Path\n//\u{0785}", "path,name\n/../..//.,\n", "path\n~\n"])
    func strangeManifestPathsNeverTrap(text: String) throws {
        let directory = FileManager.default.temporaryDirectory.path + "/mvs-manifest-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/m.csv"
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        let zoo = try Zoo.open(path) { _ in throw EngineError.invalidArgument("not loaded in this test") }
        #expect(zoo.entries.count == 1)
        #expect(!(zoo.entries.first?.name.isEmpty ?? true))
    }
}
