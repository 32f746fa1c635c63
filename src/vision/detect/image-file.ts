import { readFile } from 'node:fs/promises';
import sharp, { type OutputInfo } from 'sharp';
import { DetectErrors, MIN_IMAGE_SIDE } from './errors.ts';
import type { RgbImage } from './types.ts';

/**
 * Decodes an image file (JPEG, PNG, WebP, ...) to packed RGB24 in its stored pixel grid (EXIF
 * orientation is not applied, so boxes refer to the pixels as stored). Throws coded errors for a
 * missing file, an undecodable file and an image too small to detect on.
 */
export async function readImageRgb(path: string): Promise<RgbImage> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR')
      throw DetectErrors.imageNotFound({ path }, `no such image file 图像文件不存在: ${path}`);
    throw DetectErrors.imageUnreadable({ path, reason: code }, `cannot read ${path} 无法读取: ${code}`);
  }
  let data: Buffer;
  let info: OutputInfo;
  try {
    ({ data, info } = await sharp(bytes, { failOn: 'error' })
      .removeAlpha()
      .toColourspace('srgb')
      .raw()
      .toBuffer({ resolveWithObject: true }));
  } catch (e) {
    throw DetectErrors.imageUnreadable(
      { path, reason: (e as Error).message },
      `cannot decode ${path} 无法解码图像 (${(e as Error).message.split('\n')[0]})`,
    );
  }
  const { width, height, channels } = info;
  if (width < MIN_IMAGE_SIDE || height < MIN_IMAGE_SIDE)
    throw DetectErrors.imageTooSmall(
      { path, width, height, min: MIN_IMAGE_SIDE },
      `${path} is ${width}×${height}; detection needs at least ${MIN_IMAGE_SIDE}×${MIN_IMAGE_SIDE} pixels 图像太小`,
    );
  if (channels === 3) return { width, height, data };
  // Defensive: sharp should give 3 channels after toColourspace('srgb'); expand grey if it did not.
  const rgb = Buffer.alloc(width * height * 3);
  for (let i = 0, j = 0; i < width * height; i++, j += channels) {
    rgb[i * 3] = data[j]!;
    rgb[i * 3 + 1] = data[j + (channels >= 3 ? 1 : 0)]!;
    rgb[i * 3 + 2] = data[j + (channels >= 3 ? 2 : 0)]!;
  }
  return { width, height, data: rgb };
}
