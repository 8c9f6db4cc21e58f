"""StyleGAN2 (Karras et al. 2020): a style-based generator with lazy R1, path length regularization and mixing.

    python apps/stylegan2.py --flagfile=apps/configs/stylegan2_shapes.cfg      # embedded shapes, 64x64, CPU
    python apps/stylegan2.py --flagfile=apps/configs/stylegan2_ffhq.cfg --data_dir=~/ffhq
    python apps/stylegan2.py --flagfile=apps/configs/stylegan2_celeba_hq.cfg --data_dir=~/tensorflow_datasets

z goes through the mapping network to w; the synthesis network starts from a
learned 4x4 constant and applies modulated, demodulated convolutions with
per-pixel noise, adding toRGB outputs across resolutions; D is residual. The
non-saturating loss gets R1 every --r1_interval D steps and path length
regularization every --path_length_interval G steps (each scaled by its
interval), with style mixing and a moving average of G. After training the
app writes samples/style_mixing.png (rows: coarse styles of A, columns: the
rest from B) and samples/truncation_sweep.png (psi 0 -> 1). The export
serves z with an optional truncation_psi (default 1) plus the signatures
mapping (z -> w) and synthesis (w -> images).
"""

from keras_gans import cli

if __name__ == "__main__":
    cli.main("stylegan2")
