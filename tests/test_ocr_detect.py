"""OCR's speed rules (issue 23): the detector runs only on the bands of a page outside its ruled
cells, at the scale it ran on the whole page; the cells' line height is measured on their ink;
recognition batches pad no box far beyond its width; a GPU provider onnxruntime lists is used,
the CPU otherwise (and on request)."""

from __future__ import annotations

import pytest

numpy = pytest.importorskip("numpy")
pytest.importorskip("cv2")


class FakeDetector:
    """Stands for rapidocr's detector: records each image it is given and finds one box, the
    bounds of the image's dark pixels (in the image's pixels, as rapidocr's quads)."""

    def __init__(self):
        self.seen = []

    def __call__(self, image):
        from types import SimpleNamespace

        self.seen.append(image)
        ys, xs = numpy.nonzero(image[:, :, 0] < 128)
        if len(ys) == 0:
            return SimpleNamespace(boxes=None)
        quad = numpy.array([[xs.min(), ys.min()], [xs.max(), ys.min()], [xs.max(), ys.max()], [xs.min(), ys.max()]],
                           dtype=numpy.float32)
        return SimpleNamespace(boxes=numpy.array([quad]))


def _page():
    """A 2000×1400 page: a line of text above a ruled table full of ink, a line below it; the
    table's cells (inside their rules, less 2 pixels) but one, which the lattice left out: a word
    in it."""
    page = numpy.full((2000, 1400), 255, dtype=numpy.uint8)
    page[100:140, 200:900] = 0  # the line above
    for y in range(400, 1601, 100):  # the table's rules
        page[y:y + 2, 100:1302] = 0
    for x in range(100, 1301, 200):
        page[400:1602, x:x + 2] = 0
    page[450:470, 150:1250] = 0  # its text
    page[1430:1460, 750:850] = 0  # the word in the cell left out
    page[1800:1830, 300:700] = 0  # the line below
    cells = [(x + 4, y + 4, x + 198, y + 98) for y in range(400, 1600, 100) for x in range(100, 1300, 200)
             if (x, y) != (700, 1400)]
    return page, cells


def test_the_detector_runs_on_the_bands_outside_the_ruled_cells_at_the_page_scale():
    from report_extract.readers import detect

    detector = FakeDetector()
    page, cells = _page()
    boxes = detect.text_boxes(detector, page, cells)
    # the page scaled to 960 px high (672 wide): three bands of whole 32-pixel steps, no cell seen
    assert [image.shape for image in detector.seen] == [(96, 672, 3), (64, 672, 3), (64, 672, 3)]
    assert sum(image.shape[0] for image in detector.seen) < 0.25 * 960
    # each box back in pixels of the page, within the two pixels of one pixel at the scale (0.48)
    # of the ink (200, 100, 900, 140), (750, 1430, 850, 1460) and (300, 1800, 700, 1830)
    assert boxes == [(200, 100, 898, 138), (750, 1429, 848, 1459), (300, 1800, 698, 1828)]


def test_a_page_whose_bands_cover_most_of_it_is_detected_whole():
    from report_extract.readers import detect

    page = numpy.full((2000, 1400), 255, dtype=numpy.uint8)
    page[100:1900:60, 200:1200] = 0  # prose: a line every 60 px
    detector = FakeDetector()
    detect.text_boxes(detector, page, [])
    assert [image.shape for image in detector.seen] == [(960, 672, 3)]
    detector = FakeDetector()  # the same page all table: the detector is not run
    assert detect.text_boxes(detector, page, [(0, 0, 1400, 2000)]) == [] and detector.seen == []


def test_the_cells_line_height_is_measured_on_their_ink():
    from report_extract.readers import detect

    image = numpy.full((200, 300), 255, dtype=numpy.uint8)
    image[10:32, 10:90] = 0  # cell 1: two lines of 22 px
    image[45:67, 10:60] = 0
    image[110:130, 10:40] = 0  # cell 2: one of 20 px
    image[160:184, 110:140] = 0  # cell 3: one of 24 px
    image[150:152, 210:220] = 0  # cell 4: a speck (2 rows), not a line
    cells = [(0, 0, 100, 100), (0, 100, 100, 200), (100, 150, 200, 200), (200, 100, 300, 200), (200, 0, 300, 100)]
    assert detect.cell_line(image, cells) == round(detect.LINE_PER_INK * 22) == 41
    assert detect.cell_line(image, cells[3:]) is None


def test_recognition_batches_pad_no_box_far_beyond_its_width():
    from report_extract.readers import scan

    # by width; a box narrower than the least width counts as that wide (0.5 with 1.0-1.2)
    assert scan.rec_batches([1.0, 10.0, 1.1, 0.5, 1.2, 2.0, 11.0]) == [[3, 0, 2, 4], [5], [1, 6]]
    assert scan.rec_batches([1.0] * 10) == [list(range(8)), [8, 9]]
    assert scan.rec_batches([]) == []


@pytest.mark.parametrize(("available", "device", "params"), [
    (["CPUExecutionProvider"], "", {}),
    (["CUDAExecutionProvider", "CPUExecutionProvider"], "", {"EngineConfig.onnxruntime.use_cuda": True}),
    (["TensorrtExecutionProvider", "CUDAExecutionProvider", "CPUExecutionProvider"], "",
     {"EngineConfig.onnxruntime.use_cuda": True}),
    (["DmlExecutionProvider", "CPUExecutionProvider"], "", {"EngineConfig.onnxruntime.use_dml": True}),
    (["CoreMLExecutionProvider", "CPUExecutionProvider"], "", {"EngineConfig.onnxruntime.use_coreml": True}),
    (["CUDAExecutionProvider", "CPUExecutionProvider"], "cpu", {}),
    (["CUDAExecutionProvider", "CPUExecutionProvider"], "CPU", {}),
])
def test_a_gpu_provider_onnxruntime_lists_is_used_and_the_cpu_otherwise(available, device, params):
    from report_extract.readers import scan

    assert scan.accelerator(available, device) == params


def test_the_engine_runs_on_the_cpu_where_onnxruntime_lists_no_gpu():
    pytest.importorskip("rapidocr")
    import onnxruntime

    from report_extract.readers import scan

    if set(onnxruntime.get_available_providers()) & set(scan.GPU_PROVIDERS):
        pytest.skip("a GPU provider is installed here")
    ocr = scan.engine()
    for model in (ocr._load_det_model(), ocr._load_rec_model()):
        assert model.session.session.get_providers() == ["CPUExecutionProvider"]
