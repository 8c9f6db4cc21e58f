"""Draws docs/shapes_grid.png: real ``shapes`` images of the test split with their captions under them.

    python docs/shapes_grid.py [--image_size=64] [--rows=3] [--columns=6] [--output=docs/shapes_grid.png]
"""

import argparse
import os
import textwrap

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from keras_gans.data import shapes

SCALE = 2  # each image pixel becomes SCALE x SCALE
CAPTION_LINES = 3
LINE_HEIGHT = 12
WRAP = 22  # characters per caption line


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--image_size", type=int, default=64)
    parser.add_argument("--rows", type=int, default=3)
    parser.add_argument("--columns", type=int, default=6)
    parser.add_argument("--output", default=os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                                         "shapes_grid.png"))
    options = parser.parse_args()
    count = options.rows * options.columns
    images = shapes.split_images("test", options.image_size, count)
    captions = shapes.split_captions("test")[:count]
    side = options.image_size * SCALE
    cell_width, cell_height = max(side, 6 * WRAP + 8), side + CAPTION_LINES * LINE_HEIGHT + 8
    grid = Image.new("RGB", (options.columns * cell_width, options.rows * cell_height), "white")
    draw = ImageDraw.Draw(grid)
    font = ImageFont.load_default()
    for index, (image, caption) in enumerate(zip(images, captions)):
        left = (index % options.columns) * cell_width
        top = (index // options.columns) * cell_height
        picture = Image.fromarray(np.asarray(image)).resize((side, side), Image.NEAREST)
        grid.paste(picture, (left + (cell_width - side) // 2, top))
        for line, text in enumerate(textwrap.wrap(caption, WRAP)[:CAPTION_LINES]):
            draw.text((left + 4, top + side + 2 + line * LINE_HEIGHT), text, fill="black", font=font)
    grid.save(options.output)
    print(options.output)


if __name__ == "__main__":
    main()
