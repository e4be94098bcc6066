/* Summitry live rooms: the browser client.
 *
 * Summitry is the control plane: this page keeps one WebSocket to it and renders the whole state
 * it sends (docs/rooms.md). Janus is the media plane: once the state carries a `janus` object the
 * page joins the VideoRoom with janus.js (from npm, served as /static/vendor/...), publishes the
 * camera and microphone and subscribes to everyone else through one multistream subscriber.
 * Nothing here decides who may speak: the server mutes through Janus, the page only shows it.
 */
(() => {
  "use strict";

  const app = document.getElementById("room-app");
  if (!app) return;

  const MODE = app.dataset.mode === "watch" ? "watch" : "join";
  const ROLE = app.dataset.role || "observer";
  const AUDIO_ONLY_PAGE = app.dataset.audioOnly === "true";
  const WS_PATH = app.dataset.wsPath;
  const PLACE_URL = app.dataset.placeUrl;
  // This page's own id (made as the page was served): its socket carries it; when a newer page of
  // the same person takes their place back (media.takePlaceBack), this one is closed.
  const PAGE = app.dataset.pageId || "";
  const FLOOR_QUIET = 0.2; // floor volume behind a chosen interpretation channel
  const SPEAKING_LEVEL = 0.02; // inbound audioLevel above which a tile shows "speaking"

  // Django's JavaScript catalogue (/jsi18n/, loaded before this file): the page's language.
  const gettext = window.gettext || ((text) => text);
  const ngettext = window.ngettext || ((one, many, n) => (n === 1 ? one : many));
  const pgettext = window.pgettext || ((context, text) => text);
  const interpolate = window.interpolate || ((text, values) => text.replace(/%\((\w+)\)s/g, (_, key) => String(values[key])));
  /** A whole translated sentence with its named placeholders filled. */
  const fill = (text, values) => interpolate(text, values, true);
  const LANG = document.documentElement.lang || "en";
  // Made when first used: the first Intl object of a page loads the browser's locale data
  // (15-25 ms), which would otherwise stand between Janus's first answers and this thread.
  const once = (make) => {
    let made;
    return () => (made ??= make());
  };
  const numbers = once(() => new Intl.NumberFormat(LANG));
  const twoDigits = once(() => new Intl.NumberFormat(LANG, { minimumIntegerDigits: 2 }));
  const languageNames = once(() => (typeof Intl.DisplayNames === "function" ? new Intl.DisplayNames([LANG], { type: "language" }) : null));
  const times = once(() => new Intl.DateTimeFormat(LANG, { hour: "2-digit", minute: "2-digit" }));
  const numberIn = { format: (n) => numbers().format(n) };

  const $ = (sel, root = document) => root.querySelector(sel);
  const $$ = (sel, root = document) => Array.from(root.querySelectorAll(sel));

  /** Small DOM builder: el("li", {class: "x", text: "y"}, child...). Text only, never HTML. */
  function el(tag, attrs = {}, ...children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(attrs)) {
      if (value === undefined || value === null || value === false) continue;
      if (key === "text") node.textContent = value;
      else if (key === "class") node.className = value;
      else if (key === "dataset") Object.assign(node.dataset, value);
      else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
      else node.setAttribute(key, value === true ? "" : String(value));
    }
    for (const child of children) if (child != null) node.append(child);
    return node;
  }

  function clock(seconds) {
    const s = Math.max(0, Math.ceil(seconds));
    return `${numberIn.format(Math.floor(s / 60))}:${twoDigits().format(s % 60)}`;
  }

  // -- the state, and who is who ------------------------------------------------------------

  const hook = {
    state: null,
    phase: MODE === "watch" ? "room" : "check",
    joinStartedAt: null,
    firstRemoteFrameAt: null,
    errors: [],
    // Connections made so far (a rejoin adds one): to Summitry's WebSocket, and media sessions.
    socketsOpened: 0,
    mediaSessions: 0,
    // Milestones (performance.now(), ms since navigation) for the join-time benchmark.
    marks: window.summitryJanus.marks, // room-start.js begins them
    peerConnections: () => media.peerConnections(),
    stats: () => media.stats(),
  };
  window.summitryRoom = hook;
  const mark = (name) => { if (!(name in hook.marks)) hook.marks[name] = Math.round(performance.now()); };
  mark("script");

  // -- Janus sessions (room-start.js), and what an admitted participant's page started early ----

  const janusKit = window.summitryJanus;
  const initJanus = janusKit.init;
  const sameJanus = janusKit.same;
  const early = janusKit.early && MODE === "join" ? janusKit.early : null;
  janusKit.early = null;
  janusKit.onHttpAnswer = (json) => media.onHttpAnswer(json);

  // Straight into the room: the self view and the microphone meter wait until the first remote
  // frame (or a second): drawing our own camera competes with receiving everyone else's.
  let settled = !early;
  function settle() {
    if (settled) return;
    settled = true;
    renderTiles();
    if (device.stream && !device.audioContext) device.meter(device.stream);
    // Ready before the first countdown or chat line needs them.
    const warm = () => [numbers, twoDigits, times].forEach((make) => make());
    if (window.requestIdleCallback) requestIdleCallback(warm, { timeout: 2000 });
    else setTimeout(warm, 0);
  }

  /** The early session if it is for `info` (else it is ended), or a new one. */
  function janusFor(info) {
    const conn = early && early.conn;
    if (conn) {
      early.conn = null;
      if (sameJanus(conn.info, info)) return conn;
      conn.ready.then((janus) => janus.destroy({ notifyDestroyed: false }), () => {});
    }
    return janusKit.open(info);
  }

  const idOf = (p) => (p && typeof p === "object" ? p.id ?? p.participant ?? p.participant_id : p);
  const nameOf = (p) => (p && (p.name || p.display_name || p.display || p.person)) || gettext("Participant");
  const participants = () => (hook.state && hook.state.participants) || [];
  const participantById = (id) => participants().find((p) => String(p.id) === String(id));
  const you = () => (hook.state && hook.state.you) || {};
  const me = you;
  const isChair = () => you().role === "chair" || you().is_chair === true;
  const floor = () => (hook.state && hook.state.floor) || {};
  const floorSpeakerId = () => idOf(floor().speaker);
  const lobbyStateOf = (p) => p.state; // invited | waiting | admitted | removed | banned
  const isAdmitted = (p) => lobbyStateOf(p) === "admitted";

  /** The participant a Janus feed belongs to: by publisher id, else by the display we set. */
  function participantForFeed(feedId, display) {
    return (
      participants().find((p) => p.publisher_id != null && String(p.publisher_id) === String(feedId)) ||
      participants().find((p) => display != null && String(p.id) === String(display)) ||
      null
    );
  }

  // -- connection to Summitry ---------------------------------------------------------------

  const statusLine = $("#connection-status");
  function setStatus(text) {
    if (statusLine && statusLine.textContent !== text) statusLine.textContent = text;
  }

  const link = {
    socket: null,
    attempts: 0,
    closedForGood: false,
    pingTimer: null,
    retryTimer: null,
    lastHeard: 0,
    abandon: null,

    open() {
      if (this.closedForGood || this.socket) return;
      const scheme = location.protocol === "https:" ? "wss:" : "ws:";
      // The server words its refusals in this page's language.
      const socket = new WebSocket(`${scheme}//${location.host}${WS_PATH}?lang=${encodeURIComponent(LANG)}&page=${encodeURIComponent(PAGE)}`);
      this.socket = socket;
      setStatus(this.attempts ? gettext("Reconnecting to the meeting…") : gettext("Connecting to the meeting…"));
      const opened = () => {
        mark("ws_open");
        hook.socketsOpened += 1;
        this.attempts = 0;
        this.lastHeard = Date.now();
        setStatus(gettext("Connected."));
        // Proxies drop idle WebSockets; a ping every 20 s keeps this one open. A dropped network
        // may never close the socket: without a pong for two pings, give it up and reconnect.
        this.pingTimer = setInterval(() => {
          if (Date.now() - this.lastHeard > 45000) this.abandon();
          // With our version: a broadcast lost on the way is answered with a full state.
          else this.send({ type: "ping", version: hook.state ? hook.state.version : 0 });
        }, 20000);
      };
      const received = (event) => {
        this.lastHeard = Date.now();
        let message;
        try {
          message = JSON.parse(event.data);
        } catch {
          return;
        }
        onServerMessage(message);
      };
      const closed = (event) => {
        clearInterval(this.pingTimer);
        this.abandon = null;
        this.socket = null;
        // 4xxx: the server refused us on purpose (revoked, banned, ended): do not hammer it.
        if (event.code >= 4000 && event.code < 5000) this.closedForGood = true;
        if (event.code === 4409 && hook.phase !== "ended") return showReplaced();
        if (this.closedForGood) {
          if (event.code >= 4000 && hook.phase !== "ended") {
            showEnded(event.reason || gettext("The server closed the connection to this meeting."));
          }
          return;
        }
        // Unexpected close (network, server restart): retry with capped exponential backoff.
        const delay = Math.min(15000, 500 * 2 ** this.attempts) * (0.75 + Math.random() / 2);
        this.attempts += 1;
        const seconds = Math.max(1, Math.round(delay / 1000));
        setStatus(fill(ngettext("Connection lost. Reconnecting in %(seconds)s second…", "Connection lost. Reconnecting in %(seconds)s seconds…", seconds), { seconds: numberIn.format(seconds) }));
        this.retryTimer = setTimeout(() => this.open(), delay);
      };
      socket.addEventListener("open", opened);
      socket.addEventListener("message", received);
      socket.addEventListener("close", closed);
      // Drop this socket now (its close event may come much later) and reconnect.
      this.abandon = () => {
        socket.removeEventListener("open", opened);
        socket.removeEventListener("message", received);
        socket.removeEventListener("close", closed);
        try { socket.close(); } catch { /* already closing */ }
        closed({ code: 1006, reason: "no answer" });
      };
    },

    /** The network is back: retry now rather than at the end of the backoff. */
    retryNow() {
      if (this.socket || this.closedForGood || !this.retryTimer) return;
      clearTimeout(this.retryTimer);
      this.retryTimer = null;
      this.open();
    },

    send(command) {
      if (this.socket && this.socket.readyState === WebSocket.OPEN) {
        this.socket.send(JSON.stringify(command));
        return true;
      }
      return false;
    },

    close() {
      this.closedForGood = true;
      clearTimeout(this.retryTimer);
      if (this.socket) this.socket.close(1000);
    },
  };
  hook.send = (command) => link.send(command);
  // Tests: the WebSocket died without a close (a network drop), as the heartbeat would find.
  hook.dropSocket = () => link.abandon && link.abandon();

  function command(type, fields = {}) {
    if (!link.send({ type, ...fields })) announce(gettext("Not connected: the command was not sent."));
  }

  /** A new state object: `floor` replaces the floor, speakers and mutes; `presence` who is online. */
  function applyDelta(state, delta) {
    const next = { ...state, version: delta.version };
    if (delta.type === "floor") {
      const muted = new Set(delta.muted || []);
      const withMute = (p) => ({ ...p, muted: muted.has(p.id) });
      next.floor = delta.floor;
      next.speakers = delta.speakers;
      next.participants = (state.participants || []).map(withMute);
      next.lobby = (state.lobby || []).map(withMute);
      if (state.you && state.you.id != null) next.you = { ...state.you, muted: muted.has(state.you.id) };
    } else {
      const online = new Set(delta.online || []);
      const offline = new Set(delta.offline || []);
      const seen = (p) => (online.has(p.id) ? { ...p, online: true } : offline.has(p.id) ? { ...p, online: false } : p);
      next.participants = (state.participants || []).map(seen);
      next.lobby = (state.lobby || []).map(seen);
    }
    return next;
  }

  function onServerMessage(message) {
    if (message.type === "state") {
      // Messages may cross on a reconnect: only a newer version replaces what we show.
      if (hook.state && typeof message.version === "number" && message.version <= hook.state.version) return;
      hook.state = message;
      mark("state");
      render();
      media.update(message);
    } else if (message.type === "floor" || message.type === "presence") {
      const state = hook.state;
      if (!state || typeof message.version !== "number" || message.version <= state.version) return;
      // A floor delta applies on the version just before it, presence on any from its base.
      const base = message.type === "floor" ? message.version - 1 : message.base;
      if (state.version < base) {
        link.send({ type: "sync", version: state.version }); // a gap: the server sends it all
        return;
      }
      hook.state = applyDelta(state, message);
      render();
      media.update(hook.state);
    } else if (message.type === "chat" || message.type === "chat_history" || message.type === "chat_hidden") {
      onChat(message);
    } else if (message.type === "error") {
      screenShare.refused();
      showError(message.message || gettext("The command was refused."));
    } else if (message.type === "ended") {
      if (hook.phase !== "ended") showEnded(gettext("The chair has ended the meeting."));
    } else if (message.type === "replaced") {
      showReplaced();
    }
  }

  // -- phases: device check → lobby → room ----------------------------------------------------

  function setPhase(phase) {
    hook.phase = phase;
    for (const view of $$("[data-phase]", app)) view.hidden = view.dataset.phase !== phase;
    app.dataset.currentPhase = phase;
  }

  function showEnded(text, canRejoin = false) {
    const rejoin = $("#rejoin");
    if (rejoin) rejoin.hidden = !canRejoin;
    link.close();
    media.stop();
    device.stop();
    const message = $("#ended-message");
    if (message) message.textContent = text;
    setPhase("ended");
    setStatus("");
  }

  /** Another page of ours took our place (media.takePlaceBack there): a reload takes it back. */
  function showReplaced() {
    showEnded(gettext("You opened this meeting in another window or on another device, which took your place. Join again to take it back here."), true);
  }

  const errorBox = $("#room-error");
  function showError(text) {
    hook.errors.push(text);
    if (!errorBox) return;
    errorBox.textContent = text;
    errorBox.hidden = false;
    clearTimeout(showError.timer);
    showError.timer = setTimeout(() => (errorBox.hidden = true), 8000);
  }

  const announcer = $("#room-announcer");
  function announce(text) {
    // A polite live region: screen readers hear floor changes without losing their place.
    if (announcer) announcer.textContent = text;
  }

  // -- device check ---------------------------------------------------------------------------

  const device = {
    stream: null,
    audioContext: null,
    meterTimer: 0,
    level: 0,

    ready: null,

    start() {
      this.ready = this.open();
      return this.ready;
    },

    async open() {
      const preview = $("#preview");
      const note = $("#device-note");
      const wantVideo = !AUDIO_ONLY_PAGE && ROLE !== "interpreter";
      try {
        const capture = early && early.stream;
        if (early) early.stream = null;
        this.stream = await (capture || navigator.mediaDevices.getUserMedia(janusKit.constraints(wantVideo)));
      } catch (error) {
        if (note) note.textContent = fill(gettext("Camera or microphone unavailable (%(error)s). You can still join and listen."), { error: error.name });
        return;
      }
      // Straight into the room (already admitted): the self tile shows the camera instead.
      if (preview && wantVideo && hook.phase === "check") {
        preview.srcObject = this.stream;
        preview.play().catch(() => {});
      }
      if (note) note.textContent = wantVideo ? gettext("Camera and microphone are working.") : gettext("Microphone is working.");
      if (settled) this.meter(this.stream);
      own.apply();
      devices.fill();
    },

    /** Microphone level from an AnalyserNode, drawn into the <meter> and the self tile. */
    meter(stream) {
      const audio = stream.getAudioTracks()[0];
      if (!audio) return;
      try {
        this.audioContext = new AudioContext();
      } catch {
        return;
      }
      const analyser = this.audioContext.createAnalyser();
      analyser.fftSize = 512;
      this.audioContext.createMediaStreamSource(new MediaStream([audio])).connect(analyser);
      const samples = new Float32Array(analyser.fftSize);
      const meter = $("#mic-level");
      const tick = () => {
        analyser.getFloatTimeDomainData(samples);
        let sum = 0;
        for (const v of samples) sum += v * v;
        // RMS, boosted so normal speech fills most of the bar.
        this.level = Math.min(1, Math.sqrt(sum / samples.length) * 4);
        if (meter) meter.value = this.level;
      };
      // Fifteen readings a second move the bar smoothly and leave the frames to the video.
      this.meterTimer = setInterval(tick, 66);
    },

    resume() {
      // Browsers start an AudioContext suspended until a click; the Join click resumes it.
      if (this.audioContext && this.audioContext.state === "suspended") this.audioContext.resume();
    },

    stop() {
      clearInterval(this.meterTimer);
      if (this.stream) for (const track of this.stream.getTracks()) track.stop();
      this.stream = null;
      if (this.audioContext) this.audioContext.close().catch(() => {});
      this.audioContext = null;
    },
  };

  // -- the participant's own controls: microphone, camera, devices, hand, connection -----------

  const PREFS_KEY = "summitry.rooms.devices"; // read by room-start.js too
  const prefs = (() => {
    try {
      return JSON.parse(localStorage.getItem(PREFS_KEY) || "{}") || {};
    } catch {
      return {};
    }
  })();
  function savePrefs() {
    try {
      localStorage.setItem(PREFS_KEY, JSON.stringify(prefs));
    } catch {
      /* private mode: the choice lasts for this page only */
    }
  }

  const own = {
    micOn: true,
    cameraOn: true,
    // Transceivers that carry our microphone or camera, recorded when the track is handed to
    // Janus (carries()): muting takes the track off them (no packets at all, unlike a disabled
    // track, which still sends silence or black frames), so a muted one is known by this alone.
    sending: new WeakSet(),

    stream() {
      return media.localStream || device.stream;
    },

    /** Records the transceivers of ``pc`` that send one of our ``tracks``, then applies the choices. */
    carries(pc, tracks) {
      for (const t of pc.getTransceivers()) if (t.sender.track && tracks.includes(t.sender.track)) this.sending.add(t);
      this.apply([pc]); // its handle may not be the session's yet (a channel being joined)
    },

    /** Our sending transceivers of one kind, in every connection to Janus. */
    transceivers(kind, pcs = media.peerConnections()) {
      const found = [];
      for (const pc of pcs) {
        for (const t of pc.getTransceivers()) {
          if (this.sending.has(t) && t.receiver.track && t.receiver.track.kind === kind) found.push(t);
        }
      }
      return found;
    },

    /** Puts the page's choices onto the tracks and the senders. */
    apply(pcs = media.peerConnections()) {
      const stream = this.stream();
      for (const [kind, on] of [["audio", this.micOn], ["video", this.cameraOn]]) {
        const track = stream ? stream.getTracks().find((t) => t.kind === kind) || null : null;
        if (track) track.enabled = on;
        const wanted = on ? track : null;
        for (const t of this.transceivers(kind, pcs)) {
          if (t.sender.track !== wanted) t.sender.replaceTrack(wanted).catch((error) => hook.errors.push(String(error)));
        }
      }
      this.render();
    },

    /** The server mutes whoever does not hold the floor: they may mute, not unmute. */
    mayUnmute() {
      return !(floorControl() && (participantById(me().id)?.muted || me().muted));
    },

    setMic(on) {
      if (on && !this.mayUnmute()) {
        showError(gettext("You can unmute once the chair gives you the floor."));
        return;
      }
      this.micOn = on;
      this.apply();
      announce(on ? gettext("Your microphone is on.") : gettext("Your microphone is off."));
      renderTiles();
    },

    setCamera(on) {
      this.cameraOn = on;
      this.apply();
      announce(on ? gettext("Your camera is on.") : gettext("Your camera is off."));
      renderTiles();
    },

    /** A device chosen in the room: its new track replaces the old one everywhere. */
    swap(track) {
      const stream = this.stream();
      if (!stream) {
        track.stop();
        return;
      }
      for (const old of stream.getTracks().filter((t) => t.kind === track.kind)) {
        stream.removeTrack(old);
        old.stop();
      }
      stream.addTrack(track);
      this.apply();
      if (track.kind === "audio" && device.audioContext) {
        clearInterval(device.meterTimer);
        device.audioContext.close().catch(() => {});
        device.audioContext = null;
        device.meter(stream);
      }
      const preview = $("#preview");
      if (preview && track.kind === "video") {
        preview.srcObject = new MediaStream(stream.getVideoTracks());
        preview.play().catch(() => {});
      }
      renderTiles();
    },

    handRaised() {
      return ((hook.state && hook.state.speakers) || []).some(
        (s) => String(idOf(s.participant ?? s.participant_id)) === String(me().id) && (!s.state || s.state === "waiting"),
      );
    },

    render() {
      const mic = $("#toggle-mic");
      if (mic) {
        mic.textContent = this.micOn ? gettext("Mute microphone") : gettext("Unmute microphone");
        mic.setAttribute("aria-pressed", String(!this.micOn));
        mic.disabled = !this.micOn && !this.mayUnmute();
        mic.title = mic.disabled ? gettext("You can unmute once the chair gives you the floor.") : "";
      }
      const camera = $("#toggle-camera");
      if (camera) {
        camera.textContent = this.cameraOn ? gettext("Turn camera off") : gettext("Turn camera on");
        camera.setAttribute("aria-pressed", String(!this.cameraOn));
      }
      const hand = $("#raise-hand");
      if (hand) {
        // Without floor control there is no speakers' list: a raised hand asks for a word.
        hand.hidden = floorControl() || you().role !== "participant";
        const raised = this.handRaised();
        hand.textContent = raised ? gettext("Lower hand") : gettext("Raise hand");
        hand.setAttribute("aria-pressed", String(raised));
      }
    },
  };
  hook.own = own;

  const devices = {
    async fill() {
      if (!navigator.mediaDevices || !navigator.mediaDevices.enumerateDevices) return;
      let list = [];
      try {
        list = await navigator.mediaDevices.enumerateDevices();
      } catch {
        return;
      }
      const stream = own.stream();
      const inUse = (kind) => {
        const track = stream && stream.getTracks().find((t) => t.kind === kind);
        return (track && track.getSettings && track.getSettings().deviceId) || "";
      };
      const current = { audioinput: inUse("audio"), videoinput: inUse("video"), audiooutput: prefs.audiooutput || "" };
      const unnamed = {
        audioinput: gettext("Microphone %(number)s"),
        videoinput: gettext("Camera %(number)s"),
        audiooutput: gettext("Speaker %(number)s"),
      };
      for (const select of $$("select[data-device-kind]")) {
        const kind = select.dataset.deviceKind;
        const found = list.filter((d) => d.kind === kind && d.deviceId);
        // Browsers that cannot choose where sound plays list no outputs: nothing to choose.
        const row = select.closest("p");
        if (row) row.hidden = found.length === 0;
        select.replaceChildren(...found.map((d, i) => el("option", { value: d.deviceId, text: d.label || fill(unnamed[kind], { number: numberIn.format(i + 1) }) })));
        if (current[kind] && found.some((d) => d.deviceId === current[kind])) select.value = current[kind];
      }
    },

    wire() {
      for (const select of $$("select[data-device-kind]")) {
        select.addEventListener("change", () => this.choose(select.dataset.deviceKind, select.value));
      }
      if (navigator.mediaDevices && navigator.mediaDevices.addEventListener) {
        navigator.mediaDevices.addEventListener("devicechange", () => this.fill());
      }
    },

    async choose(kind, id) {
      prefs[kind] = id;
      savePrefs();
      for (const other of $$(`select[data-device-kind="${kind}"]`)) other.value = id;
      if (kind === "audiooutput") {
        this.applySink();
        return;
      }
      const constraint = { deviceId: { exact: id } };
      try {
        const fresh = await navigator.mediaDevices.getUserMedia(kind === "audioinput" ? { audio: constraint } : { video: constraint });
        own.swap(fresh.getTracks()[0]);
      } catch (error) {
        showError(fill(gettext("Could not switch to this device (%(error)s)."), { error: error.name }));
      }
    },

    /** Plays everything through the chosen speaker, where the browser allows it. */
    applySink() {
      const sink = prefs.audiooutput;
      if (!sink) return;
      for (const audio of $$("#audio-sinks audio")) {
        if (audio.setSinkId && audio.sinkId !== sink) audio.setSinkId(sink).catch(() => {});
      }
    },
  };

  /** Connection quality from WebRTC statistics: round trip and packets lost, every 2 s. */
  const quality = {
    before: null,
    async measure() {
      let rtt = 0;
      let lost = 0;
      let received = 0;
      for (const pc of media.peerConnections()) {
        for (const s of (await pc.getStats()).values()) {
          if (s.type === "candidate-pair" && s.nominated && s.currentRoundTripTime != null) rtt = Math.max(rtt, s.currentRoundTripTime);
          if (s.type === "inbound-rtp") {
            lost += s.packetsLost || 0;
            received += s.packetsReceived || 0;
          }
        }
      }
      const before = this.before || { lost, received };
      this.before = { lost, received };
      const newLost = Math.max(0, lost - before.lost);
      const newReceived = Math.max(0, received - before.received);
      const loss = newLost + newReceived > 0 ? newLost / (newLost + newReceived) : 0;
      const level = rtt < 0.3 && loss < 0.02 ? "good" : rtt < 0.7 && loss < 0.08 ? "fair" : "poor";
      hook.quality = { level, rtt, loss };
      return level;
    },
  };
  const QUALITY_LABELS = {
    good: gettext("Connection: good"),
    fair: gettext("Connection: fair"),
    poor: gettext("Connection: poor"),
  };
  setInterval(async () => {
    const badge = $("#quality");
    if (!badge || hook.phase !== "room" || !media.session) return;
    let level;
    try {
      level = await quality.measure();
    } catch {
      return;
    }
    badge.hidden = false;
    badge.dataset.level = level;
    badge.textContent = QUALITY_LABELS[level];
  }, 2000);

  /**
   * Screen sharing: the screen is a second video stream of our own publisher (multistream).
   * The server decides who may share (the speaker under floor control, anyone otherwise, or whom
   * the chair allows) and tells every page who shares; the page publishes only once told.
   */
  const screenShare = {
    track: null,
    mid: null,
    publishing: false,
    asked: false, // share_screen sent, no answer yet

    sharer() {
      return participants().find((p) => p.screen && p.online !== false && isAdmitted(p)) || null;
    },

    mine() {
      return Boolean(participantById(me().id)?.screen);
    },

    allowed() {
      const p = participantById(me().id) || me();
      if (!isAdmitted(p) || ["observer", "interpreter"].includes(you().role)) return false;
      return isChair() || !floorControl() || Boolean(p.screen_allowed) || String(floorSpeakerId()) === String(me().id);
    },

    /** The click: the browser's picker needs it, so the screen is chosen first, then asked for. */
    async start() {
      if (!navigator.mediaDevices || !navigator.mediaDevices.getDisplayMedia) {
        showError(gettext("This browser cannot share a screen."));
        return;
      }
      let stream;
      try {
        stream = await navigator.mediaDevices.getDisplayMedia({ video: true, audio: false });
      } catch (error) {
        if (error.name !== "NotAllowedError") showError(fill(gettext("Could not share the screen (%(error)s)."), { error: error.name }));
        return;
      }
      this.track = stream.getVideoTracks()[0];
      // The browser's own "Stop sharing" bar ends the track.
      this.track.addEventListener("ended", () => this.stop());
      this.asked = true;
      command("share_screen");
    },

    /** The server refused (or never answered): let the screen go. */
    refused() {
      if (!this.asked) return;
      this.asked = false;
      this.release();
    },

    stop() {
      if (this.mine()) command("stop_screen");
      this.asked = false;
      this.release();
    },

    /** Stop sending the screen and take its stream off the publisher. */
    release() {
      const session = media.session;
      const pub = session && session.pub;
      const mid = this.mid;
      this.mid = null;
      this.publishing = false;
      if (this.track) {
        this.track.stop();
        this.track = null;
      }
      if (pub && mid != null) {
        pub.createOffer({
          tracks: [{ type: "screen", mid, remove: true }],
          success: (jsep) => pub.send({ message: { request: "configure" }, jsep }),
          error: (error) => hook.errors.push(String(error)),
        });
      }
      renderScreen();
    },

    publish() {
      const pub = media.session && media.session.pub;
      if (!pub || !pub.webrtcStuff || !pub.webrtcStuff.pc || this.publishing) return;
      this.publishing = true;
      const track = this.track;
      pub.createOffer({
        tracks: [{ type: "screen", capture: track, add: true, recv: false }],
        success: (jsep) => {
          const t = pub.webrtcStuff.pc.getTransceivers().find((x) => x.sender.track === track);
          this.mid = t ? t.mid : null;
          const message = { request: "configure" };
          // Named "screen", so that every subscriber tells it from the camera.
          if (this.mid != null) message.descriptions = [{ mid: this.mid, description: "screen" }];
          pub.send({ message, jsep });
          renderScreen();
        },
        error: (error) => {
          this.publishing = false;
          showError(fill(gettext("Could not share the screen (%(error)s)."), { error: String(error) }));
          this.stop();
        },
      });
    },

    /** After every state: publish once allowed, stop once no longer (the chair, the floor). */
    sync() {
      const mine = this.mine();
      if (mine) this.asked = false;
      if (this.track && mine && !this.publishing) this.publish();
      else if (this.track && !mine && !this.asked) {
        // The server ended it (we did not ask): say why.
        showError(floorControl() && !this.allowed() ? gettext("Your screen sharing has ended: the floor passed to someone else.") : gettext("Your screen sharing has ended: the chair stopped it."));
        this.release();
      }
      else if (mine && !this.track) command("stop_screen"); // a reload: the screen went with it
      else if (mine && !this.allowed()) this.stop(); // the floor passed on
      const share = $("#share-screen");
      if (share) {
        share.hidden = !this.allowed() && !mine;
        share.textContent = mine || this.track ? gettext("Stop sharing") : gettext("Share screen");
        share.setAttribute("aria-pressed", String(Boolean(mine || this.track)));
      }
      renderScreen();
    },
  };
  hook.screen = screenShare;

  /** The shared screen, large above the tiles: ours from the track, another's from Janus. */
  function renderScreen() {
    const stage = $("#screen-stage");
    if (!stage) return;
    const sharer = screenShare.sharer();
    const self = sharer && String(sharer.id) === String(me().id);
    const track = !sharer ? null : self ? screenShare.track : media.screenTrackOf(sharer);
    const video = $("video", stage);
    stage.hidden = !track;
    if (!track) {
      if (video.srcObject) video.srcObject = null;
      return;
    }
    if (!video.srcObject || video.srcObject.getVideoTracks()[0] !== track) {
      video.srcObject = new MediaStream([track]);
      video.play().catch(() => {});
    }
    $("#screen-caption").textContent = self ? gettext("You are sharing your screen.") : fill(gettext("%(name)s is sharing a screen."), { name: nameOf(sharer) });
  }

  // -- chat: to everyone or privately to the chair; text only (set as text, never HTML) ------

  const chatLines = new Map(); // id → line

  function chatLine(m) {
    const chair = isChair();
    const mine = String(m.from) === String(me().id);
    const who = mine ? fill(gettext("%(name)s (you)"), { name: m.name }) : m.name;
    let text = m.text;
    if (m.hidden) text = chair ? fill(gettext("Hidden by the chair: %(text)s"), { text: m.text }) : gettext("Hidden by the chair.");
    return el("li", { class: `${m.to === "chair" ? "private" : ""} ${m.hidden ? "hidden-line" : ""}`.trim(), dataset: { message: String(m.id) } },
      el("span", { class: "meta" },
        el("strong", { text: who }),
        el("time", { datetime: m.at, text: times().format(new Date(m.at)) }),
        m.to === "chair" ? el("span", { class: "badge", text: gettext("private, to the chair") }) : null,
        chair && !m.hidden ? button(pgettext("a chair's action on a chat message", "Hide"), () => command("hide_chat", { message: m.id }), { key: `hide-${m.id}`, attrs: { "aria-label": fill(gettext("Hide the message of %(name)s"), { name: m.name }) } }) : null),
      el("p", { class: "text", text }));
  }

  function renderChat() {
    const log = $("#chat-log");
    if (!log) return;
    const lines = [...chatLines.values()].sort((a, b) => a.id - b.id);
    const atEnd = log.scrollHeight - log.scrollTop - log.clientHeight < 40;
    replaceChildrenKeepingFocus(log, lines.map(chatLine));
    if (atEnd) log.scrollTop = log.scrollHeight;
    const empty = $("#chat-empty");
    if (empty) empty.hidden = lines.length > 0;
  }

  function onChat(message) {
    if (message.type === "chat_history") {
      chatLines.clear();
      for (const m of message.messages || []) chatLines.set(m.id, m);
    } else if (message.type === "chat") {
      chatLines.set(message.id, message);
      if (String(message.from) !== String(me().id)) {
        announce(fill(gettext("Message from %(name)s: %(text)s"), { name: message.name, text: message.text }));
      }
    } else if (message.type === "chat_hidden") {
      const line = chatLines.get(message.id);
      if (line) chatLines.set(message.id, { ...line, hidden: true, text: isChair() ? line.text : "" });
    }
    hook.chat = [...chatLines.values()];
    renderChat();
  }

  // -- rendering --------------------------------------------------------------------------------

  /** Re-render a list without losing keyboard focus on one of its buttons. */
  function replaceChildrenKeepingFocus(container, children) {
    const active = document.activeElement;
    const key = active && container.contains(active) ? active.dataset.key : null;
    container.replaceChildren(...children);
    if (key) {
      const again = $$("[data-key]", container).find((n) => n.dataset.key === key);
      if (again) again.focus();
    }
  }

  function button(label, onClick, extra = {}) {
    return el("button", { type: "button", class: extra.class || "secondary", onclick: onClick, ...extra.attrs, dataset: extra.key ? { key: extra.key } : undefined, text: label });
  }

  const OUTCOME_WORDS = {
    held: gettext("The engagement is now recorded as held."),
    already_held: gettext("The engagement was already recorded as held."),
    held_early: gettext("The engagement is now recorded as held, from the first arrival in the room."),
    not_held: gettext("The engagement is not recorded as held: the chair said it was not."),
    future: gettext("The engagement is not recorded as held: it was scheduled to start later."),
    not_scheduled: gettext("The engagement is not recorded as held: it is neither scheduled nor proposed."),
    no_start: gettext("The engagement is not recorded as held: it has no start."),
    invalid: gettext("The engagement could not be recorded as held."),
  };

  function render() {
    const state = hook.state;
    if (!state) return;
    const me = you();
    const lobby = lobbyStateOf(me);
    if (state.room && state.room.status === "ended") {
      // The chair hears what became of the engagement, in words.
      const words = isChair() && OUTCOME_WORDS[state.room.outcome];
      return showEnded(words ? fill(gettext("The meeting has ended. %(outcome)s"), { outcome: words }) : gettext("The meeting has ended."));
    }
    if (MODE === "join") {
      if (lobby === "removed") return showEnded(gettext("The chair removed you from the meeting."));
      if (lobby === "banned") return showEnded(gettext("The chair removed you from the meeting and closed your link."));
      if (lobby === "admitted") {
        if (hook.phase !== "room") setPhase("room");
      } else if (hook.phase !== "check") {
        setPhase("lobby");
      }
    }
    app.dataset.layout = (state.room && state.room.layout) || app.dataset.layout;
    renderFloor();
    renderSpeakers();
    if (MODE === "join") {
      renderParticipants();
      renderChair();
      renderControls();
      renderChannels();
    }
    renderTiles();
    tickCountdown();
  }

  // Calls and bilateral meetings run without floor control: no floor, no speakers' list.
  const floorControl = () => !(hook.state && hook.state.room && hook.state.room.floor_control === false);

  let lastFloorKey = null;
  function renderFloor() {
    const holder = $("#floor-holder");
    const speakersSection = $("#speakers-title") && $("#speakers-title").closest("section");
    const bar = holder && holder.closest(".floor-bar");
    if (bar) bar.hidden = !floorControl();
    if (speakersSection) speakersSection.hidden = !floorControl();
    const f = floor();
    const speaker = f.speaker != null ? participantById(floorSpeakerId()) : null;
    const name = speaker ? nameOf(speaker) : f.speaker_name || null;
    if (holder) holder.textContent = name ? fill(gettext("%(name)s has the floor"), { name }) : gettext("Nobody has the floor");
    const key = `${floorSpeakerId()}|${f.ends_at}`;
    if (key !== lastFloorKey) {
      lastFloorKey = key;
      alerted = false;
      if (chairAlert) chairAlert.hidden = true;
      announce(name ? fill(gettext("%(name)s has the floor."), { name }) : gettext("The floor is free."));
    }
  }

  function renderSpeakers() {
    const list = $("#speakers");
    if (!list) return;
    const speakers = ((hook.state && hook.state.speakers) || []).filter(
      (s) => !s.state || s.state === "waiting" || s.state === "speaking",
    );
    speakers.sort((a, b) => (a.state === "speaking" ? -1 : 0) - (b.state === "speaking" ? -1 : 0) || (a.position ?? 0) - (b.position ?? 0));
    const items = speakers.map((s) => {
      const who = participantById(idOf(s.participant ?? s.participant_id)) || s;
      const speaking = s.state === "speaking" || String(idOf(s.participant ?? s.participant_id)) === String(floorSpeakerId());
      return el("li", { class: speaking ? "speaking" : "", dataset: { participant: String(idOf(s.participant ?? s.participant_id)) } },
        el("span", { class: "name", text: nameOf(s.name ? s : who) }),
        speaking ? el("span", { class: "badge floor", text: gettext("speaking") }) : null);
    });
    list.replaceChildren(...items);
    const empty = $("#speakers-empty");
    if (empty) empty.hidden = items.length > 0;
  }

  function renderParticipants() {
    const list = $("#participants");
    if (!list) return;
    const present = participants().filter(isAdmitted);
    const chair = isChair();
    const hands = new Set(((hook.state && hook.state.speakers) || []).filter((s) => !s.state || s.state === "waiting").map((s) => String(idOf(s.participant ?? s.participant_id))));
    const items = present.map((p) => {
      const pid = String(p.id);
      const self = String(p.id) === String(me().id);
      const row = el("li", { dataset: { participant: pid } },
        el("span", { class: "name", text: self ? fill(gettext("%(name)s (you)"), { name: nameOf(p) }) : nameOf(p) }),
        el("span", { class: "role muted", text: p.role && p.role !== "participant" ? roleLabel(p.role) : "" }),
        p.muted ? el("span", { class: "badge muted-badge", text: gettext("muted") }) : null,
        p.online === false ? el("span", { class: "badge", text: gettext("offline") }) : null,
        p.screen && p.online !== false ? el("span", { class: "badge", text: gettext("sharing a screen") }) : null,
        !floorControl() && hands.has(pid) ? el("span", { class: "badge hand", text: gettext("hand raised") }) : null);
      if (chair && !self) {
        const name = nameOf(p);
        row.append(el("span", { class: "actions" },
          button(gettext("Give the floor"), () => command("give_floor", { participant: p.id }), { key: `floor-${pid}`, attrs: { "aria-label": fill(gettext("Give the floor to %(name)s"), { name }) } }),
          p.muted
            ? button(gettext("Unmute"), () => command("unmute", { participant: p.id }), { key: `unmute-${pid}`, attrs: { "aria-label": fill(gettext("Unmute %(name)s"), { name }) } })
            : button(gettext("Mute"), () => command("mute", { participant: p.id }), { key: `mute-${pid}`, attrs: { "aria-label": fill(gettext("Mute %(name)s"), { name }) } }),
          p.screen ? button(gettext("Stop screen"), () => command("stop_screen", { participant: p.id }), { key: `screen-${pid}`, attrs: { "aria-label": fill(gettext("Stop the screen of %(name)s"), { name }) } }) : null,
          floorControl() && !["observer", "interpreter"].includes(p.role)
            ? p.screen_allowed
              ? button(gettext("Withdraw screen sharing"), () => command("disallow_screen", { participant: p.id }), { key: `disallow-${pid}`, attrs: { "aria-label": fill(gettext("Withdraw screen sharing from %(name)s"), { name }) } })
              : button(gettext("Allow screen sharing"), () => command("allow_screen", { participant: p.id }), { key: `allow-${pid}`, attrs: { "aria-label": fill(gettext("Allow %(name)s to share a screen"), { name }) } })
            : null,
          button(pgettext("a chair's action on a participant", "Remove"), () => command("remove", { participant: p.id }), { key: `remove-${pid}`, attrs: { "aria-label": fill(gettext("Remove %(name)s"), { name }) } }),
          button(gettext("Ban"), () => confirm(fill(gettext("Ban %(name)s? Their link stops working."), { name })) && command("ban", { participant: p.id }), { class: "danger", key: `ban-${pid}`, attrs: { "aria-label": fill(gettext("Ban %(name)s"), { name }) } })));
      }
      return row;
    });
    replaceChildrenKeepingFocus(list, items);
  }

  function renderChair() {
    const panel = $("#chair-panel");
    if (!panel) return;
    panel.hidden = !isChair();
    if (!isChair()) return;
    const lobby = (hook.state.lobby || []).slice().sort((a, b) => (a.order ?? a.protocol_order ?? 0) - (b.order ?? b.protocol_order ?? 0));
    const list = $("#lobby");
    const items = lobby.map((p) =>
      el("li", { dataset: { participant: String(p.id) } },
        el("span", { class: "name", text: nameOf(p) }),
        p.role && p.role !== "participant" ? el("span", { class: "role muted", text: roleLabel(p.role) }) : null,
        button(gettext("Admit"), () => command("admit", { participant: p.id }), { class: "primary", key: `admit-${p.id}`, attrs: { "aria-label": fill(gettext("Admit %(name)s"), { name: nameOf(p) }) } })));
    replaceChildrenKeepingFocus(list, items);
    $("#lobby-count").textContent = numberIn.format(lobby.length);
    $("#lobby-empty").hidden = lobby.length > 0;
    for (const b of $$("[data-needs-lobby]", panel)) b.disabled = lobby.length === 0;
  }

  function renderControls() {
    const mine = ((hook.state && hook.state.speakers) || []).find(
      (s) => String(idOf(s.participant ?? s.participant_id)) === String(me().id) && (!s.state || s.state === "waiting" || s.state === "speaking"),
    );
    const request = $("#request-floor");
    const withdraw = $("#withdraw");
    // The chair runs the floor and interpreters speak in their channel; observers may not speak.
    const asks = you().role === "participant";
    if (request) request.hidden = Boolean(mine) || !asks || !floorControl();
    if (withdraw) withdraw.hidden = !mine || !floorControl();
    const position = $("#my-position");
    if (position) {
      const waiting = ((hook.state && hook.state.speakers) || []).filter((s) => !s.state || s.state === "waiting");
      const index = waiting.findIndex((s) => String(idOf(s.participant ?? s.participant_id)) === String(me().id));
      position.textContent = index >= 0 ? fill(gettext("You are number %(position)s on the speakers' list."), { position: numberIn.format(index + 1) }) : "";
    }
    const selfMuted = participantById(me().id)?.muted || me().muted;
    const mutedNote = $("#you-muted");
    if (mutedNote) mutedNote.hidden = !selfMuted;
    own.render();
    screenShare.sync();
  }

  /** Interpretation channels: janus.interpretation is {"fr": {audiobridge_room, interpreter}}. */
  function channels() {
    const rooms = (hook.state && hook.state.janus && hook.state.janus.interpretation) || {};
    const langs = (hook.state && hook.state.room && hook.state.room.interpretation_languages) || Object.keys(rooms);
    return langs.map((language) => ({ language, ...(rooms[language] || {}) }));
  }
  /** The language an interpreter speaks into. */
  const interpretingInto = () => (hook.state && hook.state.janus && hook.state.janus.publish_to) || you().language_to || null;
  /** A channel's language named in the reader's language (CLDR, through the browser). */
  const languageLabel = (c) => {
    try {
      const names = languageNames();
      return (names && names.of(c.language)) || c.language;
    } catch {
      return c.language; // not a code the browser knows
    }
  };
  const ROLE_LABELS = { chair: gettext("chair"), interpreter: gettext("interpreter"), observer: gettext("observer"), participant: gettext("participant") };
  const roleLabel = (role) => ROLE_LABELS[role] || role;

  function renderChannels() {
    const box = $("#channel-box");
    const select = $("#channel");
    if (!box || !select) return;
    const list = channels();
    box.hidden = list.length === 0 || ROLE === "interpreter";
    const wanted = ["", ...list.map((c) => c.language)];
    const have = Array.from(select.options).map((o) => o.value);
    if (wanted.join("|") !== have.join("|")) {
      const current = select.value;
      select.replaceChildren(el("option", { value: "", text: gettext("Floor (original)") }), ...list.map((c) => el("option", { value: c.language, text: languageLabel(c) })));
      select.value = wanted.includes(current) ? current : "";
    }
    const interpreting = $("#interpreting");
    if (interpreting) {
      const lang = interpretingInto();
      interpreting.hidden = ROLE !== "interpreter";
      interpreting.textContent = lang ? fill(gettext("You are interpreting into %(language)s. Your microphone goes to that channel."), { language: languageLabel({ language: lang }) }) : gettext("You are interpreting.");
    }
  }

  // -- tiles: one per present participant, video elements kept across renders -----------------

  const tiles = new Map(); // participant id → tile element

  function tileFor(p) {
    const key = String(p.id);
    let tile = tiles.get(key);
    if (!tile) {
      const video = el("video", { autoplay: true, playsinline: true, muted: true });
      video.muted = true; // the attribute alone does not mute a scripted element
      tile = el("figure", { class: "tile", dataset: { participant: key } },
        video,
        el("figcaption", {}, el("span", { class: "speaking-dot", "aria-hidden": "true" }), el("span", { class: "name" }), el("span", { class: "state" })));
      tiles.set(key, tile);
    }
    return tile;
  }

  function renderTiles() {
    const container = $("#tiles");
    if (!container) return;
    const state = hook.state;
    const layout = (state.room && state.room.layout) || "gallery";
    container.className = `tiles layout-${layout}`;
    let shown;
    if (MODE === "watch") {
      // The press sees the floor only.
      const speaker = participantById(floorSpeakerId());
      shown = speaker ? [speaker] : [];
    } else {
      // Interpreters are heard on their channel, not seen on the floor; who left has no tile.
      shown = participants().filter((p) => isAdmitted(p) && p.role !== "interpreter" && (p.online !== false || String(p.id) === String(me().id)));
    }
    const floorId = String(floorSpeakerId());
    if (layout === "speaker" && shown.length > 1) {
      // The floor holder first and large; without a floor holder, the chair.
      const main = shown.find((p) => String(p.id) === floorId) || shown.find((p) => p.role === "chair") || shown[0];
      shown = [main, ...shown.filter((p) => p !== main)];
    }
    const keep = new Set(shown.map((p) => String(p.id)));
    for (const [key, tile] of tiles) if (!keep.has(key)) { tile.remove(); tiles.delete(key); }
    shown.forEach((p, index) => {
      const tile = tileFor(p);
      const self = String(p.id) === String(me().id);
      tile.classList.toggle("self", self);
      tile.classList.toggle("floor", String(p.id) === floorId);
      tile.classList.toggle("main", layout === "speaker" && index === 0);
      tile.classList.toggle("is-muted", Boolean(p.muted));
      $(".name", tile).textContent = self ? fill(gettext("%(name)s (you)"), { name: nameOf(p) }) : nameOf(p);
      $(".state", tile).textContent = self && !own.micOn ? gettext("microphone off") : p.muted ? gettext("muted") : String(p.id) === floorId ? gettext("has the floor") : "";
      const video = $("video", tile);
      const stream = self ? (settled ? media.localStream : null) : media.streamForParticipant(p);
      const videoTracks = stream ? stream.getVideoTracks() : [];
      const wantStream = videoTracks.length && layout !== "audio" ? new MediaStream(videoTracks) : null;
      const currentTrack = video.srcObject && video.srcObject.getVideoTracks()[0];
      if ((wantStream && wantStream.getVideoTracks()[0] !== currentTrack) || (!wantStream && video.srcObject)) {
        video.srcObject = wantStream;
        if (wantStream) {
          video.play().catch(() => {});
          if (!self) watchFirstFrame(video);
        }
      }
      tile.classList.toggle("no-video", !wantStream);
      if (container.children[index] !== tile) container.insertBefore(tile, container.children[index] || null);
    });
    const empty = $("#tiles-empty");
    if (empty) empty.hidden = shown.length > 0;
  }

  /** Records when the first remote frame is painted: the join-time benchmark reads it. */
  function watchFirstFrame(video) {
    if (hook.firstRemoteFrameAt != null) return;
    const done = () => {
      if (hook.firstRemoteFrameAt == null) hook.firstRemoteFrameAt = performance.now();
      mark("first_frame");
      if (!link.socket) link.open();
      settle();
    };
    if ("requestVideoFrameCallback" in video) video.requestVideoFrameCallback(done);
    else video.addEventListener("playing", done, { once: true });
  }

  // -- countdown and the chair's alert ---------------------------------------------------------

  let alerted = false;
  const chairAlert = $("#time-alert");
  function tickCountdown() {
    const box = $("#countdown");
    if (!box) return;
    const f = floor();
    const endsAt = f.ends_at ? Date.parse(f.ends_at) : NaN;
    if (f.speaker == null || Number.isNaN(endsAt)) {
      box.hidden = true;
      return;
    }
    box.hidden = false;
    // The server's word (floor.expired) wins over this page's clock, which may be off.
    const left = f.expired ? 0 : (endsAt - Date.now()) / 1000;
    const value = $("#countdown-value");
    value.textContent = left > 0 ? clock(left) : "0:00";
    box.classList.toggle("low", left <= 10 && left > 0);
    box.classList.toggle("over", left <= 0);
    $("#countdown-label").textContent = left > 0 ? gettext("Speaking time left") : gettext("Speaking time is up");
    if (left <= 0 && !alerted) {
      alerted = true;
      const name = nameOf(participantById(floorSpeakerId()));
      announce(fill(gettext("Speaking time is up for %(name)s."), { name }));
      if (isChair() && chairAlert) {
        $("#time-alert-text").textContent = fill(gettext("Time is up for %(name)s."), { name });
        chairAlert.hidden = false;
        beep();
      }
    }
  }
  setInterval(tickCountdown, 250);

  function beep() {
    try {
      const ctx = new AudioContext();
      const osc = ctx.createOscillator();
      const gain = ctx.createGain();
      gain.gain.value = 0.08;
      osc.frequency.value = 880;
      osc.connect(gain).connect(ctx.destination);
      osc.start();
      osc.stop(ctx.currentTime + 0.25);
      osc.onended = () => ctx.close();
    } catch {
      /* no sound is fine: the alert is visible and announced */
    }
  }

  // -- media through Janus ---------------------------------------------------------------------


  /** One connection to Janus: a session, a publisher handle, a subscriber handle, channels. */
  class MediaSession {
    constructor(info, streamReady) {
      this.info = info;
      this.streamReady = streamReady;
      this.localStream = null;
      this.janus = null;
      this.pub = null;
      this.sub = null;
      this.privateId = null;
      this.myFeed = null;
      this.publishers = new Map(); // feed id → {id, display, streams}
      this.subscribed = new Set(); // feeds the subscriber handle carries
      this.extra = []; // {feed, mid}: streams added to feeds already subscribed
      this.subBusy = false;
      this.subJoined = false;
      this.mids = new Map(); // subscriber mid → {feed, type}
      this.feedStreams = new Map(); // feed id → MediaStream
      this.screenTracks = new Map(); // feed id → the screen's track
      this.screenMids = new Set(); // "feed:mid" of publishers' streams named "screen"
      this.asked = new Set(); // "feed:mid" asked for after the feed's first subscription
      this.bridgeMain = null; // AudioBridge handle of a telephone call
      this.channel = null; // AudioBridge handle of the chosen or interpreted channel
      this.channelLanguage = null;
      this.channelStream = null;
      this.closed = false;
      this.onLost = null;
      this.earlyConn = null; // the session room-start.js opened, if any:
      this.earlyPublisher = null; // the handle it joined with,
      this.earlySubscriber = null; // the subscriber handle it attached,
      this.earlySubscription = null; // and what that subscribed to, if the join came before us
    }

    async start() {
      const conn = janusFor(this.info);
      this.janus = conn.janus;
      this.earlyConn = conn.publisher ? conn : null;
      this.earlyPublisher = conn.publisher || null;
      this.earlySubscriber = conn.subscriber || null;
      conn.onError = (cause) => this.lost(`Janus: ${cause}`);
      await conn.ready;
      mark("janus_session");
      await this.attachPublisher();
    }

    lost(why) {
      if (this.closed) return;
      this.closed = true;
      if (this.onLost) this.onLost(why);
    }

    attach(plugin, callbacks) {
      return new Promise((resolve, reject) => {
        this.janus.attach({ plugin, opaqueId: `summitry-${this.info.publisher_id ?? "watch"}`, success: resolve, error: reject, ...callbacks });
      });
    }

    /** Whether this page sends its microphone/camera into the main room. */
    get publishes() {
      // Interpreters speak into their language channel only; the press never publishes.
      return MODE === "join" && ROLE !== "interpreter" && !this.info.view_only && Boolean(this.localStream && this.localStream.getTracks().length);
    }

    async attachPublisher() {
      const info = this.info;
      if (info.room == null) {
        // Telephone calls: no VideoRoom, one AudioBridge mix for everyone.
        if (info.audiobridge_room == null) throw new Error("the state names no Janus room");
        const stream = new MediaStream();
        this.feedStreams.set("mix", stream);
        this.localStream = await this.streamReady;
        this.bridgeMain = await this.bridge(info.audiobridge_room, this.publishes, stream, null);
        this.privateId = 0; // lets syncChannel run; there is no subscriber here
        return;
      }
      const handlers = {
        onmessage: (msg, jsep) => this.onPublisherMessage(msg, jsep),
        iceState: (state) => { if (state === "failed") this.lost("ICE failed (publisher)"); },
        // Tell Summitry we publish: it applies the floor's mutes to our new audio at once.
        webrtcState: (up) => { if (up) { link.send({ type: "published" }); own.apply(); } },
        oncleanup: () => {},
      };
      if (this.earlyPublisher) {
        // room-start.js attached and sent the join already: take the handle over.
        const adopted = await this.earlyPublisher;
        this.pub = adopted.handle;
        Object.assign(adopted.handlers, handlers); // from here room-start.js subscribes no more
        this.earlySubscription = this.earlyConn.subscription || null;
        adopted.release();
        return;
      }
      this.pub = await this.attach("janus.plugin.videoroom", handlers);
      const join = { request: "join", ptype: "publisher", room: info.room, display: String(me().id ?? "press"), token: info.token };
      if (info.publisher_id != null) join.id = info.publisher_id;
      if (info.pin) join.pin = info.pin;
      this.pub.send({ message: join });
    }

    onPublisherMessage(msg, jsep) {
      const event = msg.videoroom;
      if (msg.error_code || msg.error) {
        // 436: our publisher id is held by the session of a page that never closed.
        if (msg.error_code === 436) media.takePlaceBack();
        this.lost(`VideoRoom: ${msg.error_code} ${msg.error}`);
        return;
      }
      if (event === "joined") {
        mark("joined");
        this.myFeed = msg.id;
        this.privateId = msg.private_id;
        this.streamReady.then((stream) => {
          this.localStream = stream;
          if (this.publishes && !this.closed) this.publish();
        });
        this.addPublishers(msg.publishers || []);
        // Channels wait for this join (syncChannel): an interpreter gets no other cue to speak.
        if (media.session === this) media.syncChannel();
      } else if (event === "participants") {
        // Our listparticipants (after a 428): subscribe to whoever publishes.
        this.addPublishers((msg.participants || []).filter((p) => p.publisher).map((p) => ({ id: p.id, display: p.display })));
      } else if (event === "event") {
        // Another kicked (removed, or their stale page's place taken back) is gone as one who
        // left: the same id may publish again at once, and is then subscribed to afresh.
        const kickedOther = msg.kicked != null && msg.kicked !== this.myFeed ? msg.kicked : null;
        const gone = msg.unpublished ?? msg.leaving ?? kickedOther;
        if (gone != null && gone !== "ok") this.removePublisher(gone);
        if (msg.publishers) this.addPublishers(msg.publishers);
        if (msg.kicked != null && msg.kicked === this.myFeed) this.lost("kicked");
      }
      if (jsep) this.pub.handleRemoteJsep({ jsep });
    }

    publish() {
      // dontStop: the camera and microphone are the page's; a rejoin publishes them again.
      const tracks = [];
      for (const track of this.localStream.getAudioTracks()) tracks.push({ type: "audio", capture: track, recv: false, dontStop: true });
      if (!this.info.audio_only) for (const track of this.localStream.getVideoTracks()) tracks.push({ type: "video", capture: track, recv: false, dontStop: true });
      this.pub.createOffer({
        tracks,
        success: (jsep) => {
          own.carries(this.pub.webrtcStuff.pc, tracks.map((t) => t.capture));
          this.pub.send({ message: { request: "publish" }, jsep });
        },
        error: (error) => showError(fill(gettext("Could not publish: %(error)s"), { error })),
      });
    }

    addPublishers(list) {
      const more = [];
      for (const p of list) {
        if (p.id === this.myFeed || p.dummy) continue;
        this.publishers.set(p.id, p);
        for (const s of p.streams || []) {
          const key = `${p.id}:${s.mid}`;
          if (s.description === "screen") this.screenMids.add(key);
          // A stream added later (a shared screen) to a feed we receive already: ask for it.
          const have = [...this.mids.values()].some((m) => m.feed === p.id && String(m.feedMid) === String(s.mid) && m.active);
          if (s.description === "screen" && this.subscribed.has(p.id) && !s.disabled && !have && !this.asked.has(key)) {
            this.asked.add(key);
            more.push({ feed: p.id, mid: s.mid });
          }
        }
      }
      if (more.length) this.extra.push(...more);
      this.syncSubscriptions();
    }

    removePublisher(feed) {
      this.publishers.delete(feed);
      this.feedStreams.delete(feed);
      this.syncSubscriptions();
      renderTiles();
    }

    /** The feeds this page should receive: everyone, or for the press only the floor. */
    wantedFeeds() {
      const feeds = Array.from(this.publishers.values());
      if (MODE !== "watch") return new Set(feeds.map((p) => p.id));
      const speaker = participantById(floorSpeakerId());
      const match = feeds.find((p) => speaker && participantForFeed(p.id, p.display) === speaker);
      return new Set(match ? [match.id] : []);
    }

    /** One subscribe/unsubscribe at a time: Janus renegotiates the subscriber PC for each. */
    async syncSubscriptions() {
      if (this.closed || this.subBusy || this.privateId == null) return;
      const wanted = this.wantedFeeds();
      const add = [...wanted].filter((f) => !this.subscribed.has(f));
      const drop = [...this.subscribed].filter((f) => !wanted.has(f));
      if (!add.length && !drop.length && !(this.subJoined && this.extra.length)) return;
      this.subBusy = true;
      try {
        if (!this.sub) {
          const handlers = {
            onmessage: (msg, jsep) => this.onSubscriberMessage(msg, jsep),
            onremotetrack: (track, mid, on, meta) => this.onRemoteTrack(track, mid, on, meta),
            iceState: (state) => { if (state === "failed") this.lost("ICE failed (subscriber)"); },
          };
          const early = this.earlySubscriber;
          this.earlySubscriber = null;
          if (early) {
            const adopted = await early;
            Object.assign(adopted.handlers, handlers);
            this.sub = adopted.handle;
            const subscription = this.earlySubscription;
            this.earlySubscription = null;
            if (subscription) {
              // room-start.js subscribed to these and answered Janus's offer: carry on from there.
              subscription.feeds.forEach((f) => this.subscribed.add(f));
              this.subJoined = true;
              const { msg, error } = await subscription.answered;
              if (error) {
                this.subBusy = false;
                showError(fill(gettext("Receiving media failed: %(error)s"), { error }));
              } else {
                this.onSubscriberMessage(msg); // the offer's streams; clears subBusy
              }
              adopted.release(); // the tracks, now that their streams are known
              return;
            }
            adopted.release();
          } else {
            this.sub = await this.attach("janus.plugin.videoroom", handlers);
          }
        }
        if (!this.subJoined) {
          if (!add.length) { this.subBusy = false; return; }
          this.subJoined = true;
          add.forEach((f) => this.subscribed.add(f));
          this.sub.send({ message: { request: "join", ptype: "subscriber", room: this.info.room, private_id: this.privateId, token: this.info.token, streams: add.map((feed) => ({ feed })) } });
        } else if (!add.length && !drop.length) {
          this.sub.send({ message: { request: "subscribe", streams: this.extra.splice(0) } });
        } else if (drop.length) {
          drop.forEach((f) => this.subscribed.delete(f));
          this.sub.send({ message: { request: "unsubscribe", streams: drop.map((feed) => ({ feed })) } });
        } else {
          add.forEach((f) => this.subscribed.add(f));
          this.sub.send({ message: { request: "subscribe", streams: add.map((feed) => ({ feed })) } });
        }
      } catch (error) {
        this.subBusy = false;
        this.lost(`subscriber: ${error}`);
      }
      // Cleared when Janus answers (onSubscriberMessage).
    }

    onSubscriberMessage(msg, jsep) {
      if (msg.error_code) {
        // 428: the feed left before we subscribed; drop it and carry on.
        if (msg.error_code === 428) {
          this.subBusy = false;
          this.publishers.clear();
          this.subscribed.clear();
          this.subJoined = false;
          this.sub.detach();
          this.sub = null;
          this.pub.send({ message: { request: "listparticipants", room: this.info.room } });
          return;
        }
        showError(fill(gettext("Receiving media failed: %(error)s"), { error: msg.error }));
        this.subBusy = false;
        return;
      }
      if (Array.isArray(msg.streams)) {
        this.mids.clear();
        for (const s of msg.streams) if (s.mid != null) this.mids.set(String(s.mid), { feed: s.feed_id, feedMid: s.feed_mid, description: s.feed_description, display: s.feed_display, type: s.type, active: s.active !== false });
      }
      if (jsep) {
        this.sub.createAnswer({
          jsep,
          tracks: [], // receive only
          success: (answer) => {
            mark("subscribe_answer");
            this.sub.send({ message: { request: "start", room: this.info.room }, jsep: answer });
            this.subBusy = false;
            this.syncSubscriptions();
          },
          error: (error) => {
            this.subBusy = false;
            showError(fill(gettext("Receiving media failed: %(error)s"), { error }));
          },
        });
      } else if (msg.videoroom === "updated" || msg.videoroom === "attached" || msg.videoroom === "event") {
        // No renegotiation needed (e.g. nothing left to receive).
        this.subBusy = false;
        this.syncSubscriptions();
      }
    }

    onRemoteTrack(track, mid, on, meta) {
      const entry = this.mids.get(String(mid));
      if (!entry || entry.feed == null) return;
      // 'mute'/'unmute' only mean packets paused (e.g. moderated audio): keep the track.
      if (meta && (meta.reason === "mute" || meta.reason === "unmute")) return;
      if (this.isScreen(entry)) {
        if (on) this.screenTracks.set(entry.feed, track);
        else if (this.screenTracks.get(entry.feed) === track) this.screenTracks.delete(entry.feed);
        renderScreen();
        return;
      }
      let stream = this.feedStreams.get(entry.feed);
      if (!stream) {
        stream = new MediaStream();
        this.feedStreams.set(entry.feed, stream);
      }
      if (on) {
        for (const old of stream.getTracks()) if (old.kind === track.kind && old !== track) stream.removeTrack(old);
        if (!stream.getTracks().includes(track)) stream.addTrack(track);
      } else {
        stream.removeTrack(track);
      }
      media.routeAudio();
      renderTiles();
    }

    /** A subscribed stream that is a publisher's shared screen (named so when shared). */
    isScreen(entry) {
      return entry.type === "video" && (entry.description === "screen" || this.screenMids.has(`${entry.feed}:${entry.feedMid}`));
    }

    streamForFeed(feed) {
      return this.feedStreams.get(feed) || null;
    }

    /** Joins an AudioBridge room: to speak (our microphone) or only to listen (muted). */
    async bridge(roomId, speak, stream, pin) {
      const mic = speak && this.localStream ? this.localStream.getAudioTracks()[0] : null;
      // The call's mix: Summitry mutes (and kicks unknown ids) by our publisher id. In a language
      // channel the interpreter is known by it too: anyone else unmuted there is muted.
      const known = (roomId === this.info.audiobridge_room || (speak && ROLE === "interpreter")) && this.info.publisher_id != null;
      const handle = await this.attach("janus.plugin.audiobridge", {
        onmessage: (msg, jsep) => {
          if (msg.error_code === 490 && known) {
            // Our id is held by the session of a page that never closed (as 436 above).
            media.takePlaceBack();
            this.lost(`AudioBridge: ${msg.error_code} ${msg.error}`);
            return;
          }
          if (msg.error_code) showError(fill(gettext("Audio room: %(error)s"), { error: msg.error }));
          if (msg.audiobridge === "joined" && !handle.webrtcStuff.pc) {
            handle.createOffer({
              tracks: [mic ? { type: "audio", capture: mic, recv: true, dontStop: true } : { type: "audio", capture: false, recv: true }],
              success: (offer) => {
                if (mic) own.carries(handle.webrtcStuff.pc, [mic]);
                handle.send({ message: { request: "configure", muted: !mic }, jsep: offer });
              },
              error: (error) => showError(fill(gettext("Audio room: %(error)s"), { error })),
            });
          }
          if (jsep) handle.handleRemoteJsep({ jsep });
        },
        onremotetrack: (track, mid, on, meta) => {
          if (meta && (meta.reason === "mute" || meta.reason === "unmute")) return;
          if (on) stream.addTrack(track);
          else stream.removeTrack(track);
          media.routeAudio();
          renderTiles();
        },
        iceState: (state) => { if (state === "failed") this.lost("ICE failed (audio room)"); },
      });
      const join = { request: "join", room: roomId, display: String(me().id ?? "press"), token: this.info.token, muted: !mic };
      if (pin) join.pin = pin;
      if (known) join.id = this.info.publisher_id;
      handle.send({ message: join });
      return handle;
    }

    /** Interpretation: listen to a language channel, or (interpreters) speak into it. */
    async joinChannel(channel, speak) {
      await this.leaveChannel();
      if (!channel || channel.audiobridge_room == null) return;
      this.channelLanguage = channel.language;
      this.localStream = await this.streamReady;
      this.channelStream = new MediaStream();
      this.channel = await this.bridge(channel.audiobridge_room, speak, this.channelStream, channel.pin);
    }

    async leaveChannel() {
      if (!this.channel) return;
      const handle = this.channel;
      this.channel = null;
      this.channelLanguage = null;
      this.channelStream = null;
      await new Promise((resolve) => handle.detach({ success: resolve, error: resolve }));
      media.routeAudio();
    }

    peerConnections() {
      return [this.pub, this.sub, this.bridgeMain, this.channel].filter((h) => h && h.webrtcStuff && h.webrtcStuff.pc).map((h) => h.webrtcStuff.pc);
    }

    stop() {
      this.closed = true;
      if (this.janus) this.janus.destroy({ cleanupHandles: true, notifyDestroyed: false });
    }
  }

  /** Keeps one MediaSession matching the state, and re-creates it when Janus is lost. */
  const media = {
    session: null,
    localStream: null,
    attempts: 0,
    retryTimer: null,
    // Janus sessions we lost the connection to: they hold our publisher id until destroyed.
    stale: [],
    audioEls: new Map(), // feed id → <audio>
    channelAudio: null,
    stopped: false,
    connecting: false,
    takingPlace: null, // our request to free our publisher id, while it runs
    placeTakenAt: 0,

    update(state) {
      if (this.stopped) return;
      const info = state.janus;
      if (!info || (MODE === "join" && lobbyStateOf(state.you || {}) !== "admitted")) {
        if (this.session) this.teardown();
        return;
      }
      if (this.session && !sameJanus(this.session.info, info)) {
        // New token, room or instance (e.g. after a Janus restart): join again with it.
        this.teardown();
      }
      if (!this.session && !this.retryTimer) this.connect();
      else if (this.session) {
        this.session.syncSubscriptions();
        this.syncChannel();
      }
    },

    async connect() {
      const info = hook.state && hook.state.janus;
      if (!info || this.connecting) return;
      this.connecting = true;
      try {
        await initJanus();
        await this.destroyStale();
        // The Janus session and join go ahead while the camera starts; publishing waits for it.
        const session = new MediaSession(info, this.streamReady());
        session.onLost = (why) => this.onLost(session, why);
        this.session = session;
        setStatus(gettext("Connecting media…"));
        await session.start();
        if (this.session === session) {
          hook.mediaSessions += 1;
          this.attempts = 0;
          setStatus(gettext("Connected."));
          this.syncChannel();
          renderTiles();
        }
      } catch (error) {
        hook.errors.push(String(error));
      } finally {
        this.connecting = false;
      }
    },

    /** Our camera/microphone: the device check's capture (a second one could prompt again). */
    streamReady() {
      if (MODE !== "join") return Promise.resolve(null);
      if (!this.localStreamPromise) {
        this.localStreamPromise = (async () => {
          if (device.ready) await device.ready;
          this.localStream = device.stream || (await this.capture());
          return this.localStream;
        })();
      }
      return this.localStreamPromise;
    },

    async capture() {
      try {
        return await navigator.mediaDevices.getUserMedia(janusKit.constraints(!(hook.state.janus || {}).audio_only && ROLE !== "interpreter"));
      } catch {
        return new MediaStream();
      }
    },

    onLost(session, why) {
      if (session !== this.session) return;
      hook.errors.push(why);
      this.teardown();
      // Janus went away or refused us: try again with whatever janus info the state has then.
      const delay = Math.min(10000, 500 * 2 ** this.attempts);
      this.attempts += 1;
      const seconds = Math.max(1, Math.round(delay / 1000));
      if (this.takingPlace) setStatus(gettext("Connecting media…")); // not a loss: we join again at once
      else setStatus(fill(ngettext("Media connection lost. Reconnecting in %(seconds)s second…", "Media connection lost. Reconnecting in %(seconds)s seconds…", seconds), { seconds: numberIn.format(seconds) }));
      this.retryTimer = setTimeout(() => {
        this.retryTimer = null;
        if (hook.state) this.update(hook.state);
      }, delay);
    },

    /** Ends the sessions a dropped network left on Janus, else joining again is refused (436). */
    async destroyStale() {
      const left = [];
      await Promise.all(this.stale.map(async (old) => {
        try {
          // Any answer will do: "no such session" (458) after a Janus restart is fine too.
          await fetch(`${old.url}/${old.id}`, { method: "POST", body: JSON.stringify({ janus: "destroy", transaction: Janus.randomString(12), token: old.token }) });
        } catch {
          left.push(old); // still unreachable: try again next time
        }
      }));
      this.stale = left;
    },

    /**
     * Janus refused our publisher id: the Janus session of a page of ours that never closed (a
     * crash, a closed laptop) holds it until Janus times it out, a minute later. Summitry closes
     * our other pages and frees the id; we join again as soon as it has.
     */
    takePlaceBack() {
      // Once in a while: were the id still refused after it was freed, the backoff goes on.
      if (this.takingPlace || !PLACE_URL || Date.now() - this.placeTakenAt < 10000) return;
      this.placeTakenAt = Date.now();
      this.takingPlace = fetch(PLACE_URL, { method: "POST", body: new URLSearchParams({ page: PAGE }) })
        .then((answer) => answer.status, () => 0)
        .then((status) => {
          this.takingPlace = null;
          if (status === 204) this.retryNow();
          else if (status === 409) showReplaced(); // a newer page of ours has it
        });
    },

    /** The network is back: retry now rather than at the end of the backoff. */
    retryNow() {
      if (!this.retryTimer || this.stopped) return;
      clearTimeout(this.retryTimer);
      this.retryTimer = null;
      this.attempts = 0;
      if (hook.state) this.update(hook.state);
    },

    /** Janus answers "no such session" (458) after a restart: janus.js would poll forever. */
    onHttpAnswer(json) {
      if (json && json.janus === "error" && json.error && json.error.code === 458 && this.session) {
        this.session.lost("Janus session lost");
      }
    },

    teardown() {
      const session = this.session;
      this.session = null;
      if (session) {
        session.closed = true;
        const janus = session.janus;
        const id = janus && janus.getSessionId();
        if (id && !janus.isConnected()) this.stale.push({ url: session.info.api_url, id, token: session.info.token });
        try { session.stop(); } catch { /* already gone */ }
      }
      for (const audio of this.audioEls.values()) audio.remove();
      this.audioEls.clear();
      if (this.channelAudio) { this.channelAudio.remove(); this.channelAudio = null; }
      renderTiles();
    },

    stop() {
      this.stopped = true;
      clearTimeout(this.retryTimer);
      this.teardown();
      if (this.localStream) for (const t of this.localStream.getTracks()) t.stop();
    },

    screenTrackOf(p) {
      if (!this.session) return null;
      for (const [feed, track] of this.session.screenTracks) {
        const pub = this.session.publishers.get(feed);
        if (participantForFeed(feed, pub && pub.display) === p && track.readyState === "live") return track;
      }
      return null;
    },

    streamForParticipant(p) {
      if (!this.session) return null;
      for (const [feed, stream] of this.session.feedStreams) {
        const pub = this.session.publishers.get(feed);
        if (participantForFeed(feed, pub && pub.display) === p) return stream;
      }
      return null;
    },

    /** Which channel this page should be in: the interpreter's own, or the listener's choice. */
    syncChannel() {
      const session = this.session;
      if (!session || session.privateId == null) return;
      const list = channels();
      let wanted = null;
      let speak = false;
      if (ROLE === "interpreter") {
        const lang = interpretingInto();
        wanted = list.find((c) => c.language === lang) || null;
        speak = true;
      } else {
        const select = $("#channel");
        wanted = select && select.value ? list.find((c) => c.language === select.value) || null : null;
      }
      const lang = wanted ? wanted.language : null;
      if (lang !== session.channelLanguage) session.joinChannel(wanted, speak).catch((e) => showError(String(e)));
      this.routeAudio();
    },

    /** Plays every feed's audio; with a language chosen, the floor goes quiet behind it. */
    routeAudio() {
      const session = this.session;
      if (!session) return;
      const listening = ROLE !== "interpreter" && Boolean(session.channelLanguage);
      for (const [feed, stream] of session.feedStreams) {
        const tracks = stream.getAudioTracks();
        let audio = this.audioEls.get(feed);
        if (!tracks.length) continue;
        if (!audio) {
          audio = el("audio", { autoplay: true, dataset: { feed: String(feed) } });
          $("#audio-sinks").append(audio);
          this.audioEls.set(feed, audio);
        }
        if (!audio.srcObject || audio.srcObject.getAudioTracks()[0] !== tracks[0]) {
          audio.srcObject = new MediaStream(tracks);
          audio.play().catch(() => offerSoundButton());
        }
        audio.volume = listening ? FLOOR_QUIET : 1;
      }
      for (const [feed, audio] of this.audioEls) if (!session.feedStreams.has(feed)) { audio.remove(); this.audioEls.delete(feed); }
      devices.applySink();
      if (session.channelStream && session.channelStream.getAudioTracks().length && ROLE !== "interpreter") {
        if (!this.channelAudio) {
          this.channelAudio = el("audio", { autoplay: true, dataset: { channel: "interpretation" } });
          $("#audio-sinks").append(this.channelAudio);
        }
        if (this.channelAudio.srcObject !== session.channelStream) {
          this.channelAudio.srcObject = session.channelStream;
          this.channelAudio.play().catch(() => offerSoundButton());
        }
        this.channelAudio.volume = 1;
      } else if (this.channelAudio) {
        this.channelAudio.remove();
        this.channelAudio = null;
      }
    },

    peerConnections() {
      return this.session ? this.session.peerConnections() : [];
    },

    /** Per remote feed: inbound video framesDecoded, audio packetsReceived and energy (getStats). */
    async stats() {
      const session = this.session;
      const result = {};
      if (!session) return result;
      const inbound = async (handle) => {
        const pc = handle && handle.webrtcStuff && handle.webrtcStuff.pc;
        return pc ? Array.from((await pc.getStats()).values()).filter((s) => s.type === "inbound-rtp") : [];
      };
      // A telephone call's AudioBridge mix and a chosen channel are not per-person feeds.
      for (const [key, handle] of [["mix", session.bridgeMain], ["channel", session.channel]]) {
        for (const s of await inbound(handle)) {
          result[key] = { feed: key, participant: null, name: key === "channel" ? session.channelLanguage : null, framesDecoded: 0, packetsReceived: s.packetsReceived || 0, audioLevel: s.audioLevel || 0, totalAudioEnergy: s.totalAudioEnergy || 0 };
        }
      }
      if (!session.sub) return result;
      (await inbound(session.sub)).forEach((s) => {
        if (s.type !== "inbound-rtp") return;
        const entry = session.mids.get(String(s.mid));
        if (!entry) return;
        const pub = session.publishers.get(entry.feed);
        const p = participantForFeed(entry.feed, entry.display ?? (pub && pub.display));
        const base = p ? String(p.id) : `feed-${entry.feed}`;
        const key = session.isScreen(entry) ? `screen-${base}` : base;
        const row = (result[key] ||= { feed: entry.feed, participant: p ? p.id : null, name: p ? nameOf(p) : null, framesDecoded: 0, packetsReceived: 0, audioLevel: 0, totalAudioEnergy: 0 });
        if (s.kind === "video") row.framesDecoded += s.framesDecoded || 0;
        if (s.kind === "audio") {
          row.packetsReceived += s.packetsReceived || 0;
          row.audioLevel = Math.max(row.audioLevel, s.audioLevel || 0);
          // Packets flow even when silent (an AudioBridge mix always sends): energy says sound came.
          row.totalAudioEnergy += s.totalAudioEnergy || 0;
        }
      });
      return result;
    },
  };

  function offerSoundButton() {
    // Autoplay with sound needs a click on pages that do not capture (the press view).
    const b = $("#enable-sound");
    if (!b || !b.hidden) return;
    b.hidden = false;
    b.addEventListener("click", () => {
      for (const a of $$("#audio-sinks audio")) a.play().catch(() => {});
      b.hidden = true;
    }, { once: true });
  }

  // Speaking indicators: from the receivers' audio levels, a few times a second.
  setInterval(async () => {
    if (hook.phase !== "room" || !media.session) return;
    let stats = {};
    try { stats = await media.stats(); } catch { return; }
    for (const [key, tile] of tiles) {
      const self = key === String(me().id);
      const level = self ? device.level / 4 : (stats[key] && stats[key].audioLevel) || 0;
      tile.classList.toggle("speaking", level > SPEAKING_LEVEL && !tile.classList.contains("is-muted"));
    }
  }, 400);

  // -- wiring -------------------------------------------------------------------------------

  function wire() {
    const on = (sel, fn) => { const n = $(sel); if (n) n.addEventListener("click", fn); };
    on("#join-button", () => {
      device.resume();
      hook.joinStartedAt = performance.now();
      setPhase("lobby");
      link.open();
    });
    on("#request-floor", () => command("request_floor"));
    on("#withdraw", () => command("withdraw"));
    on("#admit-all", () => command("admit_all"));
    on("#admit-in-order", () => command("admit_in_order"));
    on("#next-speaker", () => command("next_speaker"));
    on("#alert-next-speaker", () => command("next_speaker"));
    on("#dismiss-alert", () => { if (chairAlert) chairAlert.hidden = true; });
    on("#end-meeting", () => {
      // Before the scheduled start, whether it was held is the chair's to say.
      const start = hook.state && hook.state.room && hook.state.room.engagement && hook.state.room.engagement.start;
      const dialog = $("#end-early");
      if (start && new Date(start) > new Date() && dialog && dialog.showModal) dialog.showModal();
      else if (confirm(gettext("End the meeting for everyone?"))) command("end");
    });
    const endEarly = (held) => { $("#end-early").close(); command("end", { held }); };
    on("#end-held", () => endEarly(true));
    on("#end-not-held", () => endEarly(false));
    on("#end-cancel", () => $("#end-early").close());
    on("#leave", () => showEnded(gettext("You left the meeting. You can join again while the meeting lasts."), true));
    // The same link again: the server knows this person and lets them straight back in.
    on("#rejoin", () => location.reload());
    on("#toggle-mic", () => own.setMic(!own.micOn));
    on("#toggle-camera", () => own.setCamera(!own.cameraOn));
    const chatForm = $("#chat-form");
    if (chatForm) chatForm.addEventListener("submit", (event) => {
      event.preventDefault();
      const text = $("#chat-text");
      const to = $("#chat-to");
      if (!text.value.trim()) return;
      if (link.send({ type: "chat", text: text.value, to: to ? to.value : "all" })) text.value = "";
      else announce(gettext("Not connected: the command was not sent."));
    });
    on("#share-screen", () => (screenShare.mine() || screenShare.track ? screenShare.stop() : screenShare.start()));
    on("#raise-hand", () => command(own.handRaised() ? "withdraw" : "request_floor"));
    devices.wire();
    const select = $("#channel");
    if (select) select.addEventListener("change", () => {
      media.syncChannel();
      announce(select.value ? fill(gettext("Listening to the %(language)s channel."), { language: select.selectedOptions[0].textContent }) : gettext("Listening to the floor."));
    });
  }

  wire();
  window.addEventListener("online", () => {
    link.retryNow();
    media.retryNow();
  });
  // Janus.init costs little; doing it now keeps it off the path once the state arrives.
  if (typeof Janus !== "undefined") initJanus().catch(() => {});
  if (MODE === "watch" || app.dataset.admitted === "true") {
    // The press, and a participant already admitted (e.g. a reload), go straight in.
    hook.joinStartedAt = performance.now();
    if (MODE === "join") {
      if (!early) setPhase("lobby");
      device.start();
      // The state rendered into the page: room-start.js has begun joining Janus with it.
      // Summitry's socket (whose first state is the same) opens once media flows, or after a
      // second: its work on both ends would otherwise compete with joining.
      // Drawn once room-start.js has sent the Janus join (150 ms at most): each of Janus's answers
      // on the way needs this thread, and the room can be drawn while the join is answered.
      if (early) {
        const sent = (early.conn && early.conn.publisher) || Promise.resolve();
        const atMost = new Promise((resolve) => setTimeout(resolve, 150));
        Promise.race([sent, atMost]).then(() => onServerMessage(early.state), () => onServerMessage(early.state));
      }
      setTimeout(() => {
        link.open();
        settle();
      }, 1000);
    } else {
      setPhase("room");
      link.open();
    }
  } else {
    setPhase("check");
    device.start();
  }
})();
