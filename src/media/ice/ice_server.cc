#include "media/ice/ice_server.h"

#include <utility>

#include "media/stun/stun_builder.h"

namespace tr::media {

namespace {

bool UsernameMatches(std::string_view username, std::string_view ufrag) {
  return !ufrag.empty() && username.size() > ufrag.size() &&
         username.substr(0, ufrag.size()) == ufrag && username[ufrag.size()] == ':';
}

}  // namespace

IceServer::IceServer(Listener* listener, std::string ufrag, std::string password,
                     int64_t consent_timeout_ms)
    : listener_(listener),
      ufrag_(std::move(ufrag)),
      password_(std::move(password)),
      key_(password_),
      old_key_(std::string_view{}),
      consent_timeout_ms_(consent_timeout_ms) {}

std::string_view IceServer::StateName(State state) {
  switch (state) {
    case State::kNew:
      return "new";
    case State::kConnected:
      return "connected";
    case State::kCompleted:
      return "completed";
    case State::kDisconnected:
      return "disconnected";
  }
  return "";
}

void IceServer::ProcessStunMessage(const StunMessage& message, const TransportTuple& tuple,
                                   int64_t now_ms) {
  if (message.Class() != StunClass::kRequest) {
    ++stats_.ignored;  // we never send requests: responses/indications mean nothing here
    return;
  }
  ++stats_.requests;
  if (message.Method() != stun_method::kBinding) {
    SendError(message, tuple, 400);
    return;
  }
  if (!message.HasFingerprint()) {
    SendError(message, tuple, 400);
    return;
  }
  if (!message.CheckFingerprint()) {
    ++stats_.ignored;  // corrupted or not meant for us: silently dropped (RFC 8489 §7.3)
    return;
  }
  if (message.HasUnknownRequiredAttributes()) {
    uint8_t buf[256];
    const std::size_t n = StunBuilder::BuildBindingError(
        buf, message.TransactionId(), 420, {}, message.UnknownRequiredAttributes());
    if (n > 0) {
      ++stats_.error_responses;
      listener_->OnIceServerSendStunPacket(this, tuple, buf, n);
    }
    return;
  }
  if (!message.Priority()) {
    SendError(message, tuple, 400);
    return;
  }
  const auto username = message.Username();
  if (!username || !message.HasMessageIntegrity()) {
    SendError(message, tuple, 400);
    return;
  }
  // Authenticate with the current credentials, else with those an ICE restart replaced.
  const HmacSha1* key = nullptr;
  bool used_new = false;
  if (UsernameMatches(*username, ufrag_)) {
    if (message.CheckIntegrity(key_)) {
      key = &key_;
      used_new = true;
    }
  } else if (!old_ufrag_.empty() && UsernameMatches(*username, old_ufrag_)) {
    if (message.CheckIntegrity(old_key_)) {
      key = &old_key_;
    }
  }
  if (key == nullptr) {
    SendError(message, tuple, 401);
    return;
  }
  if (message.IceControlled()) {
    SendError(message, tuple, 487);  // the peer must be controlling: we are lite
    return;
  }

  const std::size_t n =
      StunBuilder::BuildBindingSuccess(response_, message.TransactionId(), tuple.remote, *key);
  if (n == 0) {
    ++stats_.ignored;
    return;
  }
  ++stats_.success_responses;
  listener_->OnIceServerSendStunPacket(this, tuple, response_.data(), n);

  if (used_new && !old_ufrag_.empty()) {
    const std::string retired = std::move(old_ufrag_);
    old_ufrag_.clear();
    old_password_.clear();
    listener_->OnIceServerOldUfragRetired(this, retired);
  }

  last_valid_check_ms_ = now_ms;

  // Nomination: USE-CANDIDATE, or a (GOOG-)NOMINATION value higher than the last one.
  bool nominated = message.HasUseCandidate();
  if (const auto nomination = message.Nomination()) {
    if (!last_nomination_ || *nomination > *last_nomination_) {
      last_nomination_ = nomination;
      nominated = true;
    }
  }

  int index = FindTuple(tuple);
  const bool known = index >= 0;
  if (!known) {
    index = AddTuple(tuple, now_ms);
  } else {
    tuples_[static_cast<std::size_t>(index)].last_seen_ms = now_ms;
  }

  switch (state_) {
    case State::kNew:
    case State::kDisconnected:
      state_ = nominated ? State::kCompleted : State::kConnected;
      Select(index);
      break;
    case State::kConnected:
      if (nominated) {
        state_ = State::kCompleted;
        Select(index);
      }
      break;
    case State::kCompleted:
      if (nominated) {
        Select(index);
      }
      break;
  }
}

void IceServer::RestartIce(std::string ufrag, std::string password) {
  if (!old_ufrag_.empty()) {
    // A second restart before the first completed: the oldest credentials are gone.
    const std::string retired = std::move(old_ufrag_);
    old_ufrag_.clear();
    listener_->OnIceServerOldUfragRetired(this, retired);
  }
  old_ufrag_ = std::move(ufrag_);
  old_password_ = std::move(password_);
  old_key_ = key_;
  ufrag_ = std::move(ufrag);
  password_ = std::move(password);
  key_ = HmacSha1(password_);
  last_nomination_.reset();
}

void IceServer::CheckConsent(int64_t now_ms) {
  if (consent_timeout_ms_ <= 0) {
    return;
  }
  if (state_ != State::kConnected && state_ != State::kCompleted) {
    return;
  }
  if (now_ms - last_valid_check_ms_ < consent_timeout_ms_) {
    return;
  }
  RemoveAllTuples();
  listener_->OnIceServerConsentExpired(this);
}

void IceServer::RemoveTuple(const TransportTuple& tuple) {
  const int index = FindTuple(tuple);
  if (index < 0) {
    return;
  }
  const bool was_selected = index == selected_;
  RemoveAt(index);
  if (!was_selected) {
    return;
  }
  if (tuple_count_ > 0) {
    Select(static_cast<int>(tuple_count_) - 1);  // the most recently added one
  } else {
    selected_ = -1;
    state_ = State::kDisconnected;
  }
}

void IceServer::RemoveAllTuples() {
  selected_ = -1;
  while (tuple_count_ > 0) {
    RemoveAt(static_cast<int>(tuple_count_) - 1);
  }
  if (state_ != State::kNew) {
    state_ = State::kDisconnected;
  }
}

void IceServer::ForceSelectedTuple(const TransportTuple& tuple) {
  const int index = FindTuple(tuple);
  if (index >= 0 && index != selected_) {
    Select(index);
  }
}

bool IceServer::IsValidTuple(const TransportTuple& tuple) const { return FindTuple(tuple) >= 0; }

void IceServer::SendError(const StunMessage& request, const TransportTuple& tuple,
                          uint16_t code) {
  const std::size_t n = StunBuilder::BuildBindingError(response_, request.TransactionId(), code);
  if (n == 0) {
    return;
  }
  ++stats_.error_responses;
  listener_->OnIceServerSendStunPacket(this, tuple, response_.data(), n);
}

int IceServer::FindTuple(const TransportTuple& tuple) const {
  for (std::size_t i = 0; i < tuple_count_; ++i) {
    if (tuples_[i].tuple == tuple) {
      return static_cast<int>(i);
    }
  }
  return -1;
}

int IceServer::AddTuple(const TransportTuple& tuple, int64_t now_ms) {
  if (tuple_count_ == kMaxTuples) {
    // Evict the least recently seen tuple that is not the selected one.
    int victim = -1;
    for (std::size_t i = 0; i < tuple_count_; ++i) {
      if (static_cast<int>(i) == selected_) {
        continue;
      }
      if (victim < 0 ||
          tuples_[i].last_seen_ms < tuples_[static_cast<std::size_t>(victim)].last_seen_ms) {
        victim = static_cast<int>(i);
      }
    }
    RemoveAt(victim);
  }
  tuples_[tuple_count_] = Entry{tuple, now_ms};
  ++tuple_count_;
  listener_->OnIceServerTupleAdded(this, tuple);
  return static_cast<int>(tuple_count_) - 1;
}

void IceServer::Select(int index) {
  selected_ = index;
  listener_->OnIceServerSelectedTuple(this, tuples_[static_cast<std::size_t>(index)].tuple);
}

void IceServer::RemoveAt(int index) {
  const TransportTuple removed = tuples_[static_cast<std::size_t>(index)].tuple;
  for (std::size_t i = static_cast<std::size_t>(index); i + 1 < tuple_count_; ++i) {
    tuples_[i] = tuples_[i + 1];
  }
  --tuple_count_;
  if (selected_ == index) {
    selected_ = -1;
  } else if (selected_ > index) {
    --selected_;
  }
  listener_->OnIceServerTupleRemoved(this, removed);
}

}  // namespace tr::media
