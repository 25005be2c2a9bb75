// The small tables that both the terminal display tests and the notebook (HTML) display tests print.
import Engine

enum DisplayFixtures {
    /// Two rows of four columns whose cells take one precision per column (260.84 → "260.8", 0.000012 → "0.0000");
    /// `component` is the second row's text (the HTML test gives one that needs escaping).
    static func longTable(component: String = "ff1") throws -> Table {
        var table = Table()
        try table.append("layer", .int([0, 10]))
        try table.append("component", .string(["q", component]))
        try table.append("erank", .double([260.84, 3.5]))
        try table.append("fro", .double([0.000012, 0.5]))
        return table
    }

    /// erank of q and ff1 in layers 0 and 1, one row each: a grid puts the layers down and the components across.
    static func gridTable() throws -> Table {
        var table = Table()
        try table.append("layer", .int([0, 0, 1, 1]))
        try table.append("component", .string(["q", "ff1", "q", "ff1"]))
        try table.append("erank", .double([260.8, 341.04, 255.1, 339.4]))
        return table
    }
}
