import Foundation
import XCTest
@testable import Network
import TestSupport

/// The bookkeeping at each validation: patience counts checks that did not beat the best score,
/// and a run without validation cases is stopped only by its sample and time budgets.
final class TrainingBookTests: XCTestCase {
    private func book(patience: Int) throws -> (TrainingBook, Trainer) {
        let folder = try temporaryFolder(self)
        var schedule = TrainingSchedule()
        schedule.patience = patience
        let trainer = Trainer(net: UNet3D(config: UNetConfig(inChannels: 1, outChannels: 1, channels: [2])))
        let book = TrainingBook(folder: folder, weightsName: "net.safetensors", schedule: schedule, firstSample: 0)
        try book.startLog()
        return (book, trainer)
    }

    func testPatienceCountsChecksThatDidNotImprove() throws {
        var (book, trainer) = try book(patience: 2)
        var stops: [Bool] = []
        for (i, dsc) in [0.5, 0.6, 0.55, 0.58].enumerated() {
            stops.append(try book.record(TrainingLogLine(samples: 10 * (i + 1), seconds: 1, loss: 0.5, validationDSC: dsc),
                                         trainer: trainer, outOfTime: false) { _ in })
        }
        XCTAssertEqual(stops, [false, false, false, true])
        XCTAssertEqual(book.best, 0.6)
        XCTAssertEqual(trainer.net.info["train.best_dsc"], "0.6")
    }

    func testWithoutValidationOnlyTheBudgetsStopTheRun() throws {
        var (book, trainer) = try book(patience: 2)
        var lines: [String] = []
        for i in 1...6 {
            let stop = try book.record(TrainingLogLine(samples: 10 * i, seconds: 1, loss: 0.5, validationDSC: nil),
                                       trainer: trainer, outOfTime: false) { lines.append($0) }
            XCTAssertFalse(stop, "check \(i): no validation score, so no patience to run out")
        }
        XCTAssertTrue(try book.record(TrainingLogLine(samples: 70, seconds: 1, loss: 0.5, validationDSC: nil),
                                      trainer: trainer, outOfTime: true) { lines.append($0) })
        XCTAssertNil(trainer.net.info["train.best_dsc"])
        XCTAssertTrue(lines[0].contains("val DSC -  best -"), lines[0])
        XCTAssertTrue(FileManager.default.fileExists(atPath: book.bestURL.path), "the latest weights stand in for the best")
    }
}
