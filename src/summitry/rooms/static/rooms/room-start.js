/* Summitry live rooms: Janus sessions, and the first step of an admitted participant's page.
 *
 * On the join page of a participant already admitted this comes first in the head, right after
 * janus.js (in one file with it once collected, run as soon as it arrives): from the state
 * rendered into the page it starts the camera, the Janus session, the publisher's join and the
 * subscription to everyone who publishes, then adds room.js, which adopts them all (docs/rooms.md,
 * "Joining fast"). Elsewhere it only defines `window.summitryJanus` for room.js.
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
   * A VideoRoom handle whose callbacks go to `handlers` once room.js sets them (`take`). Until
   * then, and while `holding`, messages and remote tracks wait in `backlog` in their order;
   * `intercept`, when set, sees each first and keeps it by returning true.
   */
  const attachForLater = (janus, opaqueId) => new Promise((resolve, reject) => {
    const adopted = { handle: null, handlers: {}, backlog: [], holding: false, intercept: null };
    const call = (name) => (...args) => {
      if (adopted.intercept && adopted.intercept(name, args)) return;
      if (adopted.handlers[name] && !adopted.holding) adopted.handlers[name](...args);
      else if (name === "onmessage" || name === "onremotetrack") adopted.backlog.push([name, args]);
    };
    /** What waited goes to the handlers now set, in order; what comes next goes straight to them. */
    adopted.release = () => {
      adopted.holding = false;
      for (const [name, args] of adopted.backlog.splice(0)) if (adopted.handlers[name]) adopted.handlers[name](...args);
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

  /**
   * room.js and the JavaScript catalogue, from the inert <template id="room-scripts">: the page
   * asks for them once the subscription's answer is sent (or at the join, when nobody publishes),
   * so that their download and evaluation (and the room drawn from the state) fall in the wait for
   * the media to connect instead of delaying Janus's offer and our answer. In order: the
   * catalogue first.
   */
  let restLoaded = false;
  const loadRest = () => {
    if (restLoaded) return;
    restLoaded = true;
    const go = () => {
      const template = document.getElementById("room-scripts");
      if (!template) return;
      for (const script of document.importNode(template.content, true).querySelectorAll("script")) {
        script.async = false;
        document.head.append(script);
      }
    };
    if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", go, { once: true });
    else go();
  };

  /**
   * Subscribes to `feeds` on the attached `subscriber` and answers Janus's offer; room.js takes
   * the subscription over from `answered` (the offer's message, or what went wrong). The tracks
   * wait for room.js meanwhile: it matches them to feeds by the offer's streams.
   */
  const subscribeEarly = (info, subscriber, feeds, privateId) => ({
    feeds,
    answered: subscriber.then((adopted) => new Promise((resolve) => {
      adopted.holding = true;
      adopted.intercept = (name, [msg, jsep]) => {
        if (name !== "onmessage" || !(jsep || (msg && msg.error_code))) return false;
        adopted.intercept = null;
        if (!jsep) {
          resolve({ msg });
          return true;
        }
        adopted.handle.createAnswer({
          jsep,
          tracks: [], // receive only
          success: (answer) => {
            start.marks.subscribe_answer ??= Math.round(performance.now());
            adopted.handle.send({ message: { request: "start", room: info.room }, jsep: answer });
            resolve({ msg });
          },
          error: (error) => resolve({ msg, error: String(error) }),
        });
        return true;
      };
      const streams = feeds.map((feed) => ({ feed }));
      adopted.handle.send({ message: { request: "join", ptype: "subscriber", room: info.room, private_id: privateId, token: info.token, streams } });
    }), (error) => ({ msg: null, error: String(error) })),
  });

  const node = document.getElementById("initial-state");
  if (!node) return;
  // Whatever happens below, the rest of the page comes within a moment.
  setTimeout(loadRest, 1500);
  const state = JSON.parse(node.textContent);
  const you = state.you || {};
  const info = state.janus;
  if (you.state !== "admitted" || !info) return loadRest();
  const early = { state, stream: null, conn: null };
  start.early = early;
  if (navigator.mediaDevices) {
    const video = !info.audio_only && you.role !== "interpreter";
    early.stream = navigator.mediaDevices.getUserMedia(start.constraints(video));
    early.stream.catch(() => {}); // room.js reports the failure
  }
  start.init();
  if (typeof Janus === "undefined" || !Janus.initDone) return loadRest();
  const conn = start.open(info);
  early.conn = conn;
  conn.ready.then(() => { start.marks.janus_session ??= Math.round(performance.now()); }, loadRest);
  if (info.room == null) return loadRest(); // a telephone call: room.js joins its AudioBridge
  // The VideoRoom join goes out as soon as the session exists, and the subscriber's handle is
  // attached beside it. Once joined, the subscription to everyone who publishes goes out too,
  // and once it is answered room.js is fetched; it takes all of it over and hears what Janus said
  // meanwhile (the remote tracks wait for it, the media connect meanwhile).
  const opaqueId = `summitry-${info.publisher_id}`;
  conn.subscriber = conn.ready.then((janus) => attachForLater(janus, opaqueId));
  conn.publisher = conn.ready.then((janus) => attachForLater(janus, opaqueId)).then((adopted) => {
    adopted.intercept = (name, [msg]) => {
      if (name !== "onmessage") return false;
      adopted.intercept = null;
      start.marks.early_joined ??= Math.round(performance.now());
      // Unless room.js has the handle already (and subscribes itself).
      if (msg && msg.videoroom === "joined" && !adopted.handlers.onmessage) {
        const feeds = (msg.publishers || []).filter((p) => !p.dummy && p.id !== msg.id).map((p) => p.id);
        if (feeds.length) conn.subscription = subscribeEarly(info, conn.subscriber, feeds, msg.private_id);
      }
      // room.js (about 50 ms of the main thread) waited for by Janus's offer and our answer made
      // the first remote frame 60-80 ms later (benchmarks/join_time.py).
      if (conn.subscription) conn.subscription.answered.then(loadRest);
      else loadRest();
      return false; // room.js hears it too
    };
    const join = { request: "join", ptype: "publisher", room: info.room, display: String(you.id), token: info.token };
    if (info.publisher_id != null) join.id = info.publisher_id;
    if (info.pin) join.pin = info.pin;
    adopted.handle.send({ message: join });
    return adopted;
  });
  conn.subscriber.catch(() => {}); // room.js reports it
  conn.publisher.catch(loadRest); // room.js reports it
})();
