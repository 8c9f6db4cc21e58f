"""How fast the ``shapes`` set is drawn: the 60,000 training images at 64 px, and the rate at other sides.

    python benchmarks/shapes_drawing.py [--image_size=64] [--sides=16,48,128,256] [--max_seconds=30]
                                        [--json=benchmarks/results/shapes_drawing.jsonl]

Draws the whole training split (its fixed attributes,
``keras_gans.data.shapes.split_attributes("train")``) at ``--image_size``
with :func:`keras_gans.data.shapes.render`, bypassing the in-memory cache, and
times it (wall and process CPU seconds); then draws its first 5,000 images at
each of ``--sides`` for the images per second there. Prints one JSON line (and
appends it to ``--json`` when given). Exits 1 when the training split takes
more than ``--max_seconds`` of wall time: the set is meant to be drawn in
seconds, not minutes.
"""

import argparse
import json
import sys
import time

from _common import machine, print_and_exit  # benchmarks/ is on sys.path when run as a script

SIDE_EXAMPLES = 5_000


def timed_render(record, image_size):
    """``(wall seconds, CPU seconds)`` to draw ``record`` at ``image_size``."""
    from keras_gans.data import shapes

    wall, cpu = time.perf_counter(), time.process_time()
    shapes.render(record, image_size)
    return time.perf_counter() - wall, time.process_time() - cpu


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--image_size", type=int, default=64, help="side of the timed training split")
    parser.add_argument("--sides", default="16,48,128,256", help="comma-separated sides for the rate (may be empty)")
    parser.add_argument("--max_seconds", type=float, default=30.0, help="target: wall seconds for the split")
    parser.add_argument("--json", default=None, help="also append the line to this file")
    args = parser.parse_args()
    try:
        sides = [int(side) for side in args.sides.split(",") if side.strip()]
    except ValueError:
        parser.error(f"--sides must be comma-separated integers; received {args.sides!r}")

    from keras_gans.data import shapes

    for name, size in [("--image_size", args.image_size)] + [("--sides", side) for side in sides]:
        try:
            shapes.check_image_size(size)
        except ValueError:
            parser.error(f"{name} must hold sides from 16 to 256; received {size}")
    record = shapes.split_attributes("train")
    first = {name: values[:SIDE_EXAMPLES] for name, values in record.items()}
    wall, cpu = timed_render(record, args.image_size)
    rates = {}
    for side in sides:
        side_wall, _ = timed_render(first, side)
        rates[str(side)] = round(SIDE_EXAMPLES / side_wall)
    report = {"image_size": args.image_size, "images": len(record["shape"]), "wall_seconds": round(wall, 2),
              "cpu_seconds": round(cpu, 2), "images_per_second_at": rates, "machine": machine(),
              "command": " ".join(["python", "benchmarks/shapes_drawing.py"] + sys.argv[1:])}
    targets = {"training_split_in_seconds": wall <= args.max_seconds}
    if args.json:
        with open(args.json, "a") as file:
            file.write(json.dumps({**report, "targets": targets}) + "\n")
    print_and_exit(report, targets)


if __name__ == "__main__":
    main()
