import Testing

/// The sample check itself: it finds the blocks, and it fails, naming the
/// block, the file and the difference, whenever a block and its copy differ.
@Suite("The sample check")
struct SampleCheckTests {
    static let document = """
        # Title

        <!-- sample: greeting -->
        ```swift
        let greeting = "hello"
        print(greeting)
        ```

        ```sh
        swift run
        ```

        <!-- sample: Tests/Samples/tool/main.swift -->
        ```swift
        print("tool")
        ```
        """

    static let source = """
        func wrapper() {
            // sample: greeting
            let greeting = "hello"
            print(greeting)
            // end sample
        }
        """

    func check(source: String = SampleCheckTests.source, files: [String: String] = [:]) -> SampleCheck {
        SampleCheck(sources: [("Tests/SampleTests/Samples/Greeting.swift", source)]) { files[$0] }
    }

    @Test func findsOnlySwiftBlocksWithTheirLinesAndMarkers() {
        let blocks = SampleBlock.blocks(in: Self.document, document: "README.md")
        #expect(blocks.map(\.line) == [4, 14])
        #expect(blocks.map(\.source) == ["greeting", "Tests/Samples/tool/main.swift"])
        #expect(blocks[0].lines == ["let greeting = \"hello\"", "print(greeting)"])
    }

    @Test func anIndentedRegionMatchesItsBlock() {
        let files = ["Tests/Samples/tool/main.swift": "print(\"tool\")\n"]
        let check = check(files: files)
        #expect(check.problems.isEmpty)
        for block in SampleBlock.blocks(in: Self.document, document: "README.md") {
            #expect(check.problem(with: block) == nil)
        }
    }

    @Test func aChangedLineIsReportedWithBlockFileAndDifference() throws {
        let drifted = Self.source.replacing("print(greeting)", with: "print(greeting.uppercased())")
        let block = SampleBlock.blocks(in: Self.document, document: "README.md")[0]
        let problem = try #require(check(source: drifted).problem(with: block))
        #expect(problem.description == """
            README.md:4: sample "greeting" differs from its compiled copy at Tests/SampleTests/Samples/Greeting.swift:3 \
            (- the document, + the compiled copy):
              let greeting = "hello"
            - print(greeting)
            + print(greeting.uppercased())
            """)
    }

    @Test func whitespaceAtALineEndCounts() throws {
        let block = SampleBlock.blocks(in: Self.document.replacing("print(greeting)", with: "print(greeting)  "), document: "README.md")[0]
        let problem = try #require(check().problem(with: block))
        #expect(problem.description.hasSuffix("- print(greeting)··\n+ print(greeting)"))
    }

    @Test func aWholeFileSampleDiffers() throws {
        let block = SampleBlock.blocks(in: Self.document, document: "README.md")[1]
        let problem = try #require(check(files: ["Tests/Samples/tool/main.swift": "print(\"tool!\")\n"]).problem(with: block))
        guard case .differs(_, 14, "Tests/Samples/tool/main.swift", "Tests/Samples/tool/main.swift", 1, _) = problem else {
            Issue.record("unexpected: \(problem)")
            return
        }
    }

    @Test func unmarkedBlocksAndUnknownNamesAreReported() {
        let unmarked = SampleBlock.blocks(in: "```swift\nlet x = 1\n```\n", document: "A.md")[0]
        #expect(check().problem(with: unmarked) == .unmarked(document: "A.md", line: 1))
        let unknown = SampleBlock.blocks(in: "<!-- sample: nothing -->\n```swift\nlet x = 1\n```\n", document: "A.md")[0]
        #expect(check().problem(with: unknown) == .unknownSource(document: "A.md", line: 2, name: "nothing"))
    }

    @Test func brokenAndUnusedRegionsAreReported() {
        let unclosed = check(source: "// sample: open\nlet x = 1\n")
        #expect(unclosed.problems == [.malformedRegion(file: "Tests/SampleTests/Samples/Greeting.swift", line: 1, reason: "sample \"open\" has no `// end sample` line")])
        #expect(check().unusedRegions(shownBy: []) == [.unused(name: "greeting", file: "Tests/SampleTests/Samples/Greeting.swift", line: 2)])
    }
}
