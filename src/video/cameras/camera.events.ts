/**
 * Domain events of the camera catalog (src/video/cameras). No URL in any payload: it may carry the
 * camera's credentials; `changes` names the fields that changed, never their values.
 */
export interface CameraCatalogPayload {
  cameraId: string;
  siteId: string;
  name: string;
  /** field names, e.g. ['url', 'rtspTransport'] (changed only) */
  changes: string[];
  /** the admin's username */
  by: string;
}

export interface CameraEventMap {
  'camera.added': CameraCatalogPayload;
  'camera.changed': CameraCatalogPayload;
  'camera.removed': CameraCatalogPayload;
}
