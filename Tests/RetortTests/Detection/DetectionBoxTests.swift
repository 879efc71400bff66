import Testing

@testable import Retort

/// Box formats and IoU.
struct DetectionBoxTests {
  @Test func formatsConvertToCorners() throws {
    let xywh = FloatTensor(shape: [2, 4], scalars: [1, 2, 3, 4, -5, -6, 0, 2])
    let cxcywh = FloatTensor(shape: [1, 4], scalars: [10, 20, 4, 6])
    #expect(try xyxyBoxes(xywh, format: .xywh).scalars == [1, 2, 4, 6, -5, -6, -5, -4])
    #expect(try xyxyBoxes(cxcywh, format: .cxcywh).scalars == [8, 17, 12, 23])
    #expect(try xyxyBoxes(cxcywh, format: .xyxy) == cxcywh)
  }

  @Test(arguments: [false, true])
  func pairwiseIoU(legacyPlusOne: Bool) throws {
    let a = FloatTensor(shape: [2, 4], scalars: [0, 0, 10, 10, 20, 20, 30, 30])
    let b = FloatTensor(shape: [3, 4], scalars: [5, 0, 15, 10, 0, 0, 10, 10, 10, 10, 20, 20])
    let iou = try Retort.pairwiseIoU(a, b, legacyPlusOne: legacyPlusOne)
    #expect(iou.shape == [2, 3])
    if legacyPlusOne {
      // Widths 11: the half-overlap shares 6 columns, the corner boxes one pixel.
      #expect(iou.scalars == [66 / Float(176), 1, 1 / Float(241), 0, 0, 1 / Float(241)])
    } else {
      #expect(iou.scalars == [50 / Float(150), 1, 0, 0, 0, 0])
    }
  }
}
