/**
 * Built-in template `wan22-ti2v-5b`: Wan 2.2 TI2V 5B image-to-video, after
 * the node layout of ComfyUI's official example (UNETLoader + CLIPLoader
 * "wan" + VAELoader → ModelSamplingSD3 → Wan22ImageToVideoLatent with the
 * photo as `start_image` → KSampler → VAEDecode → CreateVideo → SaveVideo).
 * Fits 8–12 GB of VRAM with ComfyUI's offloading; renders 24 fps.
 *
 * Models (ComfyUI/models/…): diffusion_models/wan2.2_ti2v_5B_fp16.safetensors,
 * text_encoders/umt5_xxl_fp8_e4m3fn_scaled.safetensors,
 * vae/wan2.2_vae.safetensors.
 *
 * @module
 */

import type { Graph, TemplateMapping } from "../workflow.ts";

/** The API-format graph. */
export const WAN22_TI2V_5B_GRAPH: Graph = {
  "37": {
    "class_type": "UNETLoader",
    inputs: {
      "unet_name": "wan2.2_ti2v_5B_fp16.safetensors",
      "weight_dtype": "default",
    },
    "_meta": { title: "Load Diffusion Model" },
  },
  "38": {
    "class_type": "CLIPLoader",
    inputs: {
      "clip_name": "umt5_xxl_fp8_e4m3fn_scaled.safetensors",
      type: "wan",
      device: "default",
    },
    "_meta": { title: "Load CLIP" },
  },
  "39": {
    "class_type": "VAELoader",
    inputs: { "vae_name": "wan2.2_vae.safetensors" },
    "_meta": { title: "Load VAE" },
  },
  "48": {
    "class_type": "ModelSamplingSD3",
    inputs: { shift: 8, model: ["37", 0] },
    "_meta": { title: "ModelSamplingSD3" },
  },
  "6": {
    "class_type": "CLIPTextEncode",
    inputs: {
      text: "The person in the photo comes to life: natural, gentle " +
        "movement, blinking, a slight smile, hair moving softly; steady " +
        "camera, cinematic lighting, high detail.",
      clip: ["38", 0],
    },
    "_meta": { title: "Positive Prompt" },
  },
  "7": {
    "class_type": "CLIPTextEncode",
    inputs: {
      text: "oversaturated, overexposed, static, blurry details, subtitles, " +
        "text, watermark, low quality, jpeg artifacts, deformed face, " +
        "extra fingers, bad hands, distorted limbs, flicker, still frame",
      clip: ["38", 0],
    },
    "_meta": { title: "Negative Prompt" },
  },
  "56": {
    "class_type": "LoadImage",
    inputs: { image: "example.png" },
    "_meta": { title: "Photo" },
  },
  "55": {
    "class_type": "Wan22ImageToVideoLatent",
    inputs: {
      width: 1280,
      height: 704,
      length: 121,
      "batch_size": 1,
      vae: ["39", 0],
      "start_image": ["56", 0],
    },
    "_meta": { title: "Wan22ImageToVideoLatent" },
  },
  "3": {
    "class_type": "KSampler",
    inputs: {
      seed: 0,
      steps: 20,
      cfg: 5,
      "sampler_name": "uni_pc",
      scheduler: "simple",
      denoise: 1,
      model: ["48", 0],
      positive: ["6", 0],
      negative: ["7", 0],
      "latent_image": ["55", 0],
    },
    "_meta": { title: "KSampler" },
  },
  "8": {
    "class_type": "VAEDecode",
    inputs: { samples: ["3", 0], vae: ["39", 0] },
    "_meta": { title: "VAE Decode" },
  },
  "57": {
    "class_type": "CreateVideo",
    inputs: { images: ["8", 0], fps: 24 },
    "_meta": { title: "Create Video" },
  },
  "58": {
    "class_type": "SaveVideo",
    inputs: {
      video: ["57", 0],
      "filename_prefix": "video/lora-bot",
      format: "auto",
      codec: "auto",
    },
    "_meta": { title: "Save Video" },
  },
};

/** Where the job's values go; Wan wants 4n+1 frames and sizes in 32s. */
export const WAN22_TI2V_5B_MAPPING: TemplateMapping = {
  image: "56.image",
  frames: "55.length",
  width: "55.width",
  height: "55.height",
  seed: "3.seed",
  prompt: "6.text",
  negative: "7.text",
  fps: 24,
  multiple: 32,
  frameRule: "4n+1",
  samplers: ["3"],
};
