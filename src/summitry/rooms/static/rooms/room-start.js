/* Summitry live rooms: Janus sessions, and the first step of an admitted participant's page.
 *
 * On the join page of a participant already admitted this runs at the end of the body, right
 * after janus.js (in one file with it once collected), as soon as it has loaded: it starts the
 * camera, the Janus session, the publisher's join and the subscriber's handle from the state
 * rendered into the page, and room.js adopts them (docs/rooms.md, "Joining fast"). Elsewhere it
 * only defines `window.summitryJanus` for room.js.
 */
(() => {
  "use strict";

  const start = {
    marks: { start: Math.round(performance.now()) },
    // Set by room.js: hears every answer from Janus's HTTP API (to notice a lost session).
    onHttpAnswer: null,
    early: null,
  };
  window.summitryJanus = start;

  /** getUserMedia constraints with the camera and microphone chosen at the device check. */
  start.constraints = (video) => {
    let chosen = {};
    try {
      chosen = JSON.parse(localStorage.getItem("summitry.rooms.devices") || "{}") || {};
    } catch {
      /* nothing remembered, or storage refused */
    }
    const pick = (id) => (id ? { deviceId: { ideal: id } } : true);
    return { audio: pick(chosen.audioinput), video: video ? pick(chosen.videoinput) : false };
  };

  /**
   * fetch for janus.js without its "Content-Type: application/json": Janus reads the body as JSON
   * whatever it is labelled, and a text/plain POST is a simple cross-origin request, so the
   * browser sends no preflight (one round trip less at every step of joining).
   */
  const simpleFetch = (url, options) => {
    const headers = { ...(options.headers || {}) };
    delete headers["Content-Type"];
    return fetch(url, { ...options, headers });
  };

  let ready = null;
  /** Janus.init once, synchronously where janus.js allows; its HTTP calls go through onHttpAnswer. */
  start.init = () => {
    if (!ready) {
      ready = new Promise((resolve, reject) => {
        if (typeof Janus === "undefined") return reject(new Error("janus.js is not loaded"));
        const deps = Janus.useDefaultDependencies({ fetch: simpleFetch });
        const call = deps.httpAPICall;
        deps.httpAPICall = (url, options) => {
          const success = options.success;
          return call(url, {
            ...options,
            success: (json) => {
              if (start.onHttpAnswer) start.onHttpAnswer(json);
              if (success) success(json);
            },
          });
        };
        Janus.init({ debug: false, dependencies: deps, callback: resolve });
      });
      ready.catch(() => {});
    }
    return ready;
  };

  start.same = (a, b) => Boolean(a && b && a.api_url === b.api_url && a.token === b.token && String(a.room) === String(b.room) && String(a.publisher_id) === String(b.publisher_id));

  /** A Janus session for `info`: `ready` resolves once Janus created it; `onError` hears of its loss. */
  start.open = (info) => {
    const conn = { info, janus: null, ready: null, onError: null };
    conn.ready = new Promise((resolve, reject) => {
      conn.janus = new Janus({
        server: info.api_url,
        token: info.token,
        iceServers: info.ice_servers || [],
        // Leaving the page ends the Janus session at once, so a reload can reuse our publisher id.
        destroyOnUnload: true,
        success: () => resolve(conn.janus),
        error: (cause) => {
          reject(new Error(String(cause)));
          if (conn.onError) conn.onError(cause);
        },
        destroyed: () => {},
      });
    });
    conn.ready.catch(() => {}); // whoever adopts the session hears of it through onError
    return conn;
  };

  /**
   * A VideoRoom handle whose callbacks go to `handlers` once room.js sets them; messages that come
   * before wait in `backlog`.
   */
  const attachForLater = (janus, opaqueId) => new Promise((resolve, reject) => {
    const adopted = { handle: null, handlers: {}, backlog: [] };
    const call = (name) => (...args) => {
      if (adopted.handlers[name]) adopted.handlers[name](...args);
      else if (name === "onmessage") adopted.backlog.push(args);
    };
    janus.attach({
      plugin: "janus.plugin.videoroom",
      opaqueId,
      success: (handle) => {
        adopted.handle = handle;
        resolve(adopted);
      },
      error: reject,
      onmessage: call("onmessage"),
      onremotetrack: call("onremotetrack"),
      iceState: call("iceState"),
      webrtcState: call("webrtcState"),
      oncleanup: () => {},
    });
  });

  const node = document.getElementById("initial-state");
  if (!node) return;
  const state = JSON.parse(node.textContent);
  const you = state.you || {};
  const info = state.janus;
  if (you.state !== "admitted" || !info) return;
  const early = { state, stream: null, conn: null };
  start.early = early;
  if (navigator.mediaDevices) {
    const video = !info.audio_only && you.role !== "interpreter";
    early.stream = navigator.mediaDevices.getUserMedia(start.constraints(video));
    early.stream.catch(() => {}); // room.js reports the failure
  }
  start.init();
  if (typeof Janus === "undefined" || !Janus.initDone) return;
  const conn = start.open(info);
  early.conn = conn;
  conn.ready.then(() => { start.marks.janus_session ??= Math.round(performance.now()); }, () => {});
  if (info.room == null) return; // a telephone call: room.js joins its AudioBridge
  // The VideoRoom join goes out as soon as the session exists, even while the page is still
  // being drawn, and the subscriber's handle is attached beside it; room.js takes both over and
  // hears what Janus said meanwhile.
  const opaqueId = `summitry-${info.publisher_id}`;
  conn.publisher = conn.ready.then((janus) => attachForLater(janus, opaqueId)).then((adopted) => {
    const join = { request: "join", ptype: "publisher", room: info.room, display: String(you.id), token: info.token };
    if (info.publisher_id != null) join.id = info.publisher_id;
    if (info.pin) join.pin = info.pin;
    adopted.handle.send({ message: join });
    return adopted;
  });
  conn.subscriber = conn.ready.then((janus) => attachForLater(janus, opaqueId));
  conn.subscriber.catch(() => {}); // room.js reports it
  conn.publisher.catch(() => {}); // room.js reports it
})();
