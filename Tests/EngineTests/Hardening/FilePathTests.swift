// FilePath against the POSIX meaning of each path, including text that trapped Foundation on Linux.
import Testing
@testable import Engine

struct FilePathTests {
    @Test func lastComponentAndParent() {
        #expect(FilePath.lastComponent("/a/b/") == "b")
        #expect(FilePath.lastComponent("///2//") == "2")
        #expect(FilePath.lastComponent("/") == "/")
        #expect(FilePath.lastComponent("x.h5") == "x.h5")
        #expect(FilePath.deletingLastComponent("/a/b") == "/a")
        #expect(FilePath.deletingLastComponent("/b") == "/")
        #expect(FilePath.deletingLastComponent("b") == "")
        #expect(FilePath.deletingLastComponent("//\u{0785}") == "/")
    }

    @Test func joinAndExtension() {
        #expect(FilePath.join("/a/", "/b") == "/a/b")
        #expect(FilePath.join("", "b") == "b")
        #expect(FilePath.deletingExtension("model.safetensors") == "model")
        #expect(FilePath.deletingExtension(".hidden") == ".hidden")
    }

    @Test func standardizedResolvesDotsLexically() {
        #expect(FilePath.standardized("/a/./b/../c//d") == "/a/c/d")
        #expect(FilePath.standardized("/../x") == "/x")
        #expect(FilePath.standardized("../a/..") == "..")
        #expect(FilePath.standardized("a/..") == ".")
    }
}
