from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from typing import ClassVar as _ClassVar, Iterable as _Iterable, Mapping as _Mapping, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class ActResponse(_message.Message):
    __slots__ = ["actions"]
    ACTIONS_FIELD_NUMBER: _ClassVar[int]
    actions: _containers.RepeatedScalarFieldContainer[float]
    def __init__(self, actions: _Optional[_Iterable[float]] = ...) -> None: ...

class Adam(_message.Message):
    __slots__ = ["beta1", "beta2", "epsilon", "grad_clip", "learning_rate"]
    BETA1_FIELD_NUMBER: _ClassVar[int]
    BETA2_FIELD_NUMBER: _ClassVar[int]
    EPSILON_FIELD_NUMBER: _ClassVar[int]
    GRAD_CLIP_FIELD_NUMBER: _ClassVar[int]
    LEARNING_RATE_FIELD_NUMBER: _ClassVar[int]
    beta1: float
    beta2: float
    epsilon: float
    grad_clip: float
    learning_rate: float
    def __init__(self, learning_rate: _Optional[float] = ..., beta1: _Optional[float] = ..., beta2: _Optional[float] = ..., epsilon: _Optional[float] = ..., grad_clip: _Optional[float] = ...) -> None: ...

class BatchRequest(_message.Message):
    __slots__ = ["handle", "n", "obs"]
    HANDLE_FIELD_NUMBER: _ClassVar[int]
    N_FIELD_NUMBER: _ClassVar[int]
    OBS_FIELD_NUMBER: _ClassVar[int]
    handle: int
    n: int
    obs: _containers.RepeatedScalarFieldContainer[float]
    def __init__(self, handle: _Optional[int] = ..., obs: _Optional[_Iterable[float]] = ..., n: _Optional[int] = ...) -> None: ...

class Box(_message.Message):
    __slots__ = ["high", "low", "shape"]
    HIGH_FIELD_NUMBER: _ClassVar[int]
    LOW_FIELD_NUMBER: _ClassVar[int]
    SHAPE_FIELD_NUMBER: _ClassVar[int]
    high: _containers.RepeatedScalarFieldContainer[float]
    low: _containers.RepeatedScalarFieldContainer[float]
    shape: _containers.RepeatedScalarFieldContainer[int]
    def __init__(self, low: _Optional[_Iterable[float]] = ..., high: _Optional[_Iterable[float]] = ..., shape: _Optional[_Iterable[int]] = ...) -> None: ...

class ChannelRequest(_message.Message):
    __slots__ = ["method"]
    METHOD_FIELD_NUMBER: _ClassVar[int]
    method: str
    def __init__(self, method: _Optional[str] = ...) -> None: ...

class ChannelResponse(_message.Message):
    __slots__ = ["address", "network", "token"]
    ADDRESS_FIELD_NUMBER: _ClassVar[int]
    NETWORK_FIELD_NUMBER: _ClassVar[int]
    TOKEN_FIELD_NUMBER: _ClassVar[int]
    address: str
    network: str
    token: bytes
    def __init__(self, network: _Optional[str] = ..., address: _Optional[str] = ..., token: _Optional[bytes] = ...) -> None: ...

class CloseRequest(_message.Message):
    __slots__ = ["handle"]
    HANDLE_FIELD_NUMBER: _ClassVar[int]
    handle: int
    def __init__(self, handle: _Optional[int] = ...) -> None: ...

class CloseResponse(_message.Message):
    __slots__ = []
    def __init__(self) -> None: ...

class DescribeRequest(_message.Message):
    __slots__ = []
    def __init__(self) -> None: ...

class DescribeResponse(_message.Message):
    __slots__ = ["envs", "name", "protocol_minor", "students", "teachers", "version"]
    ENVS_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    PROTOCOL_MINOR_FIELD_NUMBER: _ClassVar[int]
    STUDENTS_FIELD_NUMBER: _ClassVar[int]
    TEACHERS_FIELD_NUMBER: _ClassVar[int]
    VERSION_FIELD_NUMBER: _ClassVar[int]
    envs: _containers.RepeatedScalarFieldContainer[str]
    name: str
    protocol_minor: int
    students: _containers.RepeatedScalarFieldContainer[str]
    teachers: _containers.RepeatedScalarFieldContainer[str]
    version: str
    def __init__(self, name: _Optional[str] = ..., version: _Optional[str] = ..., protocol_minor: _Optional[int] = ..., envs: _Optional[_Iterable[str]] = ..., teachers: _Optional[_Iterable[str]] = ..., students: _Optional[_Iterable[str]] = ...) -> None: ...

class Discrete(_message.Message):
    __slots__ = ["n", "start"]
    N_FIELD_NUMBER: _ClassVar[int]
    START_FIELD_NUMBER: _ClassVar[int]
    n: int
    start: int
    def __init__(self, n: _Optional[int] = ..., start: _Optional[int] = ...) -> None: ...

class EnvOpenRequest(_message.Message):
    __slots__ = ["id", "num_envs", "vector"]
    ID_FIELD_NUMBER: _ClassVar[int]
    NUM_ENVS_FIELD_NUMBER: _ClassVar[int]
    VECTOR_FIELD_NUMBER: _ClassVar[int]
    id: str
    num_envs: int
    vector: bool
    def __init__(self, id: _Optional[str] = ..., num_envs: _Optional[int] = ..., vector: bool = ...) -> None: ...

class EnvOpenResponse(_message.Message):
    __slots__ = ["handle", "renderable", "spec"]
    HANDLE_FIELD_NUMBER: _ClassVar[int]
    RENDERABLE_FIELD_NUMBER: _ClassVar[int]
    SPEC_FIELD_NUMBER: _ClassVar[int]
    handle: int
    renderable: bool
    spec: EnvSpec
    def __init__(self, handle: _Optional[int] = ..., spec: _Optional[_Union[EnvSpec, _Mapping]] = ..., renderable: bool = ...) -> None: ...

class EnvRenderRequest(_message.Message):
    __slots__ = ["handle"]
    HANDLE_FIELD_NUMBER: _ClassVar[int]
    handle: int
    def __init__(self, handle: _Optional[int] = ...) -> None: ...

class EnvRenderResponse(_message.Message):
    __slots__ = ["png"]
    PNG_FIELD_NUMBER: _ClassVar[int]
    png: bytes
    def __init__(self, png: _Optional[bytes] = ...) -> None: ...

class EnvResetRequest(_message.Message):
    __slots__ = ["handle", "seed"]
    HANDLE_FIELD_NUMBER: _ClassVar[int]
    SEED_FIELD_NUMBER: _ClassVar[int]
    handle: int
    seed: int
    def __init__(self, handle: _Optional[int] = ..., seed: _Optional[int] = ...) -> None: ...

class EnvResetResponse(_message.Message):
    __slots__ = ["obs"]
    OBS_FIELD_NUMBER: _ClassVar[int]
    obs: _containers.RepeatedScalarFieldContainer[float]
    def __init__(self, obs: _Optional[_Iterable[float]] = ...) -> None: ...

class EnvSpec(_message.Message):
    __slots__ = ["action_space", "id", "max_episode_steps", "observation_space", "render_fps", "reward_threshold"]
    ACTION_SPACE_FIELD_NUMBER: _ClassVar[int]
    ID_FIELD_NUMBER: _ClassVar[int]
    MAX_EPISODE_STEPS_FIELD_NUMBER: _ClassVar[int]
    OBSERVATION_SPACE_FIELD_NUMBER: _ClassVar[int]
    RENDER_FPS_FIELD_NUMBER: _ClassVar[int]
    REWARD_THRESHOLD_FIELD_NUMBER: _ClassVar[int]
    action_space: Space
    id: str
    max_episode_steps: int
    observation_space: Space
    render_fps: int
    reward_threshold: float
    def __init__(self, id: _Optional[str] = ..., observation_space: _Optional[_Union[Space, _Mapping]] = ..., action_space: _Optional[_Union[Space, _Mapping]] = ..., max_episode_steps: _Optional[int] = ..., reward_threshold: _Optional[float] = ..., render_fps: _Optional[int] = ...) -> None: ...

class EnvStepRequest(_message.Message):
    __slots__ = ["actions", "handle"]
    ACTIONS_FIELD_NUMBER: _ClassVar[int]
    HANDLE_FIELD_NUMBER: _ClassVar[int]
    actions: _containers.RepeatedScalarFieldContainer[float]
    handle: int
    def __init__(self, handle: _Optional[int] = ..., actions: _Optional[_Iterable[float]] = ...) -> None: ...

class EnvStepResponse(_message.Message):
    __slots__ = ["final_obs", "obs", "rewards", "terminated", "truncated"]
    FINAL_OBS_FIELD_NUMBER: _ClassVar[int]
    OBS_FIELD_NUMBER: _ClassVar[int]
    REWARDS_FIELD_NUMBER: _ClassVar[int]
    TERMINATED_FIELD_NUMBER: _ClassVar[int]
    TRUNCATED_FIELD_NUMBER: _ClassVar[int]
    final_obs: _containers.RepeatedScalarFieldContainer[float]
    obs: _containers.RepeatedScalarFieldContainer[float]
    rewards: _containers.RepeatedScalarFieldContainer[float]
    terminated: _containers.RepeatedScalarFieldContainer[bool]
    truncated: _containers.RepeatedScalarFieldContainer[bool]
    def __init__(self, obs: _Optional[_Iterable[float]] = ..., rewards: _Optional[_Iterable[float]] = ..., terminated: _Optional[_Iterable[bool]] = ..., truncated: _Optional[_Iterable[bool]] = ..., final_obs: _Optional[_Iterable[float]] = ...) -> None: ...

class Labels(_message.Message):
    __slots__ = ["actions", "has_gaussian", "has_probs", "mean", "probs", "std"]
    ACTIONS_FIELD_NUMBER: _ClassVar[int]
    HAS_GAUSSIAN_FIELD_NUMBER: _ClassVar[int]
    HAS_PROBS_FIELD_NUMBER: _ClassVar[int]
    MEAN_FIELD_NUMBER: _ClassVar[int]
    PROBS_FIELD_NUMBER: _ClassVar[int]
    STD_FIELD_NUMBER: _ClassVar[int]
    actions: _containers.RepeatedScalarFieldContainer[float]
    has_gaussian: bool
    has_probs: bool
    mean: _containers.RepeatedScalarFieldContainer[float]
    probs: _containers.RepeatedScalarFieldContainer[float]
    std: _containers.RepeatedScalarFieldContainer[float]
    def __init__(self, actions: _Optional[_Iterable[float]] = ..., has_probs: bool = ..., probs: _Optional[_Iterable[float]] = ..., has_gaussian: bool = ..., mean: _Optional[_Iterable[float]] = ..., std: _Optional[_Iterable[float]] = ...) -> None: ...

class LoadRequest(_message.Message):
    __slots__ = ["checkpoint", "handle"]
    CHECKPOINT_FIELD_NUMBER: _ClassVar[int]
    HANDLE_FIELD_NUMBER: _ClassVar[int]
    checkpoint: bytes
    handle: int
    def __init__(self, handle: _Optional[int] = ..., checkpoint: _Optional[bytes] = ...) -> None: ...

class LoadResponse(_message.Message):
    __slots__ = []
    def __init__(self) -> None: ...

class SaveRequest(_message.Message):
    __slots__ = ["handle", "portable"]
    HANDLE_FIELD_NUMBER: _ClassVar[int]
    PORTABLE_FIELD_NUMBER: _ClassVar[int]
    handle: int
    portable: bool
    def __init__(self, handle: _Optional[int] = ..., portable: bool = ...) -> None: ...

class SaveResponse(_message.Message):
    __slots__ = ["checkpoint"]
    CHECKPOINT_FIELD_NUMBER: _ClassVar[int]
    checkpoint: bytes
    def __init__(self, checkpoint: _Optional[bytes] = ...) -> None: ...

class Size(_message.Message):
    __slots__ = ["edges", "hidden", "params"]
    EDGES_FIELD_NUMBER: _ClassVar[int]
    HIDDEN_FIELD_NUMBER: _ClassVar[int]
    PARAMS_FIELD_NUMBER: _ClassVar[int]
    edges: int
    hidden: int
    params: int
    def __init__(self, params: _Optional[int] = ..., hidden: _Optional[int] = ..., edges: _Optional[int] = ...) -> None: ...

class SizeRequest(_message.Message):
    __slots__ = ["handle"]
    HANDLE_FIELD_NUMBER: _ClassVar[int]
    handle: int
    def __init__(self, handle: _Optional[int] = ...) -> None: ...

class SizeResponse(_message.Message):
    __slots__ = ["size"]
    SIZE_FIELD_NUMBER: _ClassVar[int]
    size: Size
    def __init__(self, size: _Optional[_Union[Size, _Mapping]] = ...) -> None: ...

class Space(_message.Message):
    __slots__ = ["box", "discrete"]
    BOX_FIELD_NUMBER: _ClassVar[int]
    DISCRETE_FIELD_NUMBER: _ClassVar[int]
    box: Box
    discrete: Discrete
    def __init__(self, box: _Optional[_Union[Box, _Mapping]] = ..., discrete: _Optional[_Union[Discrete, _Mapping]] = ...) -> None: ...

class StructureRequest(_message.Message):
    __slots__ = ["handle"]
    HANDLE_FIELD_NUMBER: _ClassVar[int]
    handle: int
    def __init__(self, handle: _Optional[int] = ...) -> None: ...

class StructureResponse(_message.Message):
    __slots__ = ["dot", "events"]
    class EventsEntry(_message.Message):
        __slots__ = ["key", "value"]
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: int
        def __init__(self, key: _Optional[str] = ..., value: _Optional[int] = ...) -> None: ...
    DOT_FIELD_NUMBER: _ClassVar[int]
    EVENTS_FIELD_NUMBER: _ClassVar[int]
    dot: str
    events: _containers.ScalarMap[str, int]
    def __init__(self, events: _Optional[_Mapping[str, int]] = ..., dot: _Optional[str] = ...) -> None: ...

class StudentOpenRequest(_message.Message):
    __slots__ = ["action_space", "adam", "kind", "observation_space", "params_json", "seed"]
    ACTION_SPACE_FIELD_NUMBER: _ClassVar[int]
    ADAM_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    OBSERVATION_SPACE_FIELD_NUMBER: _ClassVar[int]
    PARAMS_JSON_FIELD_NUMBER: _ClassVar[int]
    SEED_FIELD_NUMBER: _ClassVar[int]
    action_space: Space
    adam: Adam
    kind: str
    observation_space: Space
    params_json: str
    seed: int
    def __init__(self, kind: _Optional[str] = ..., observation_space: _Optional[_Union[Space, _Mapping]] = ..., action_space: _Optional[_Union[Space, _Mapping]] = ..., seed: _Optional[int] = ..., adam: _Optional[_Union[Adam, _Mapping]] = ..., params_json: _Optional[str] = ...) -> None: ...

class StudentOpenResponse(_message.Message):
    __slots__ = ["handle", "structural"]
    HANDLE_FIELD_NUMBER: _ClassVar[int]
    STRUCTURAL_FIELD_NUMBER: _ClassVar[int]
    handle: int
    structural: bool
    def __init__(self, handle: _Optional[int] = ..., structural: bool = ...) -> None: ...

class TeacherOpenRequest(_message.Message):
    __slots__ = ["env", "spec"]
    ENV_FIELD_NUMBER: _ClassVar[int]
    SPEC_FIELD_NUMBER: _ClassVar[int]
    env: EnvSpec
    spec: str
    def __init__(self, spec: _Optional[str] = ..., env: _Optional[_Union[EnvSpec, _Mapping]] = ...) -> None: ...

class TeacherOpenResponse(_message.Message):
    __slots__ = ["action_space", "handle", "observation_space"]
    ACTION_SPACE_FIELD_NUMBER: _ClassVar[int]
    HANDLE_FIELD_NUMBER: _ClassVar[int]
    OBSERVATION_SPACE_FIELD_NUMBER: _ClassVar[int]
    action_space: Space
    handle: int
    observation_space: Space
    def __init__(self, handle: _Optional[int] = ..., observation_space: _Optional[_Union[Space, _Mapping]] = ..., action_space: _Optional[_Union[Space, _Mapping]] = ...) -> None: ...

class TrainBatchesRequest(_message.Message):
    __slots__ = ["batches", "handle"]
    BATCHES_FIELD_NUMBER: _ClassVar[int]
    HANDLE_FIELD_NUMBER: _ClassVar[int]
    batches: _containers.RepeatedCompositeFieldContainer[TrainRequest]
    handle: int
    def __init__(self, handle: _Optional[int] = ..., batches: _Optional[_Iterable[_Union[TrainRequest, _Mapping]]] = ...) -> None: ...

class TrainBatchesResponse(_message.Message):
    __slots__ = ["error_code", "error_message", "losses", "size"]
    ERROR_CODE_FIELD_NUMBER: _ClassVar[int]
    ERROR_MESSAGE_FIELD_NUMBER: _ClassVar[int]
    LOSSES_FIELD_NUMBER: _ClassVar[int]
    SIZE_FIELD_NUMBER: _ClassVar[int]
    error_code: int
    error_message: str
    losses: _containers.RepeatedScalarFieldContainer[float]
    size: Size
    def __init__(self, losses: _Optional[_Iterable[float]] = ..., size: _Optional[_Union[Size, _Mapping]] = ..., error_code: _Optional[int] = ..., error_message: _Optional[str] = ...) -> None: ...

class TrainRequest(_message.Message):
    __slots__ = ["handle", "labels", "n", "obs"]
    HANDLE_FIELD_NUMBER: _ClassVar[int]
    LABELS_FIELD_NUMBER: _ClassVar[int]
    N_FIELD_NUMBER: _ClassVar[int]
    OBS_FIELD_NUMBER: _ClassVar[int]
    handle: int
    labels: Labels
    n: int
    obs: _containers.RepeatedScalarFieldContainer[float]
    def __init__(self, handle: _Optional[int] = ..., obs: _Optional[_Iterable[float]] = ..., n: _Optional[int] = ..., labels: _Optional[_Union[Labels, _Mapping]] = ...) -> None: ...

class TrainResponse(_message.Message):
    __slots__ = ["loss", "size"]
    LOSS_FIELD_NUMBER: _ClassVar[int]
    SIZE_FIELD_NUMBER: _ClassVar[int]
    loss: float
    size: Size
    def __init__(self, loss: _Optional[float] = ..., size: _Optional[_Union[Size, _Mapping]] = ...) -> None: ...
