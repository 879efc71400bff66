import Testing

@testable import Retort

/// Expects `body` to throw a `RetortError` of `kind` whose context fields
/// are those given (a field left out is not compared; the sentence never is).
func expectError(
  _ kind: RetortError.Kind, dataset: String? = nil, row: Int? = nil, quantity: String? = nil,
  line: Int? = nil, file: String? = nil, sourceLocation: SourceLocation = #_sourceLocation,
  _ body: () throws -> Void
) {
  do {
    try body()
    Issue.record("no error thrown", sourceLocation: sourceLocation)
  } catch let e as RetortError {
    #expect(e.kind == kind, "\(e.message)", sourceLocation: sourceLocation)
    if let dataset { #expect(e.dataset == dataset, "\(e.message)", sourceLocation: sourceLocation) }
    if let row { #expect(e.row == row, "\(e.message)", sourceLocation: sourceLocation) }
    if let quantity {
      #expect(e.quantity == quantity, "\(e.message)", sourceLocation: sourceLocation)
    }
    if let line { #expect(e.line == line, "\(e.message)", sourceLocation: sourceLocation) }
    if let file { #expect(e.file == file, "\(e.message)", sourceLocation: sourceLocation) }
  } catch {
    Issue.record("unexpected \(error)", sourceLocation: sourceLocation)
  }
}
