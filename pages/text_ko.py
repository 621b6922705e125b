"""The Korean table: the same keys as EN (pages/text.py), in the course's own terms.

Terms follow the report and Korean Keras courses: 학습 (training), 훈련/검증/테스트 세트
(train/validation/test split), 데이터 증강, 에포크, 배치 크기, 학습률, 정확도, 손실, 합성곱,
특징 맵, 배치 정규화, 과적합. Keras/API names, code, numbers and `{placeholders}` stay as in EN;
class names keep their English data names beside the Korean word, e.g. "맑음 (shine)".
tests/test_i18n.py checks that the keys and placeholders match EN's exactly."""

KO = {
    # App and navigation
    "app.title": "날씨 CNN 교실",
    "nav.home": "홈",
    "nav.dataset": "1 데이터셋",
    "nav.augmentation": "2 데이터 증강",
    "nav.models": "3 모델",
    "nav.train": "4 학습",
    "nav.compare": "5 비교",
    "nav.classify": "6 분류",
    "error.generic": "{message}",
    # Sidebar
    "sidebar.dataset": "사용 중인 데이터셋",
    "sidebar.demo": "데모 (자동 생성한 하늘 사진)",
    "sidebar.not_generated": "아직 생성되지 않았습니다. 처음 사용할 때 만들어집니다(몇 초 걸립니다).",
    "sidebar.counts": "분할: {counts}",
    "sidebar.classes": "클래스: {classes}",
    # Class names
    "class.cloudy": "흐림 (cloudy)",
    "class.rain": "비 (rain)",
    "class.shine": "맑음 (shine)",
    "class.sunrise": "일출 (sunrise)",
    # Home
    "home.title": ":material/partly_cloudy_day: 날씨 CNN 교실",
    "home.intro": (
        "한 학생이 날씨 사진(**흐림 cloudy, 비 rain, 맑음 shine, 일출 sunrise**)을 세 가지 Keras "
        "CNN으로 분류하고, 최고 **98 %의 정확도**를 보고했습니다. 이 대시보드는 그 보고서를 단계별로 "
        "따라가면서 모든 단계를 실제로 다시 수행하고, 보고서의 어느 부분이 잘못되었는지 보여 줍니다."
    ),
    "home.steps": "진행 순서",
    "home.step.dataset.title": "{n} 데이터셋",
    "home.step.dataset.text": "파일 이름으로 사진을 클래스별로 나누고, 훈련·검증·**테스트** 세트로 "
                              "분할한 뒤 데이터 상태를 점검합니다.",
    "home.step.augmentation.title": "{n} 데이터 증강",
    "home.step.augmentation.text": "보고서의 ImageDataGenerator 설정이 사진을 어떻게 바꾸는지 확인하고, "
                                   "오늘날 같은 일을 하는 Keras 층을 살펴봅니다.",
    "home.step.models.title": "{n} 모델",
    "home.step.models.text": "세 가지 CNN을 층별로 살펴보고, 보고서에 적힌 파라미터 수와 대조합니다.",
    "home.step.train.title": "{n} 학습",
    "home.step.train.text": "모델을 백그라운드에서 학습시키며 학습 곡선을 실시간으로 지켜보고, "
                            "학습에 한 번도 쓰이지 않은 테스트 세트로 평가합니다.",
    "home.step.compare.title": "{n} 비교",
    "home.step.compare.text": "여러 실행 결과를 겹쳐 보고, 보고서의 수치와 나란히 비교합니다.",
    "home.step.classify.title": "{n} 분류",
    "home.step.classify.text": "직접 고른 사진을 올리면 학습된 모델이 어떤 날씨인지 알아맞힙니다.",
    "home.flaws": "보고서의 오류 (그리고 이 대시보드에서 배우는 것)",
    "home.flaw.test_is_val": "보고서의 **테스트 세트는 사실 검증 세트**이며, ReduceLROnPlateau를 "
                             "조절하는 데에도 쓰인 바로 그 이미지들입니다. 따라서 98.12 %는 테스트 "
                             "점수가 아닙니다.",
    "home.flaw.steps": "`evaluate(..., steps=5)`는 이미지 **339장 중 160장**만 평가했습니다.",
    "home.flaw.relu": "Model 2는 softmax를 전제로 한 손실 함수를 쓰면서도 마지막 층이 "
                      "`Dense(4, activation='relu')`입니다.",
    "home.flaw.matching": "클래스는 파일 이름에 대한 대소문자 구분 부분 문자열 검사로 정해집니다. "
                          "그래서 `rainbow_shine.jpg`는 두 클래스에 모두 들어가게 됩니다.",
    "home.flaw.256": "본문에는 256×256 이미지라고 적혀 있지만, 요약 표의 수치는 **250×250**일 때만 "
                     "맞습니다.",
    "home.flaw.shear": "`shear_range=0.2`는 0.2 **도**(degree)를 뜻하므로, 아무도 알아볼 수 없는 "
                       "전단 변환입니다.",
    "home.demo_note": "업로드한 데이터가 없으면 자동으로 생성한 데모 데이터셋을 사용하므로, 모든 "
                      "페이지가 오프라인에서도 동작합니다. 다른 데이터셋은 사이드바나 데이터셋 "
                      "페이지에서 고를 수 있습니다.",
    # Dataset
    "dataset.title": "1 데이터셋: 분류, 분할, 점검",
    "dataset.intro": (
        "실제 데이터셋은 `cloudy12.jpg`처럼 이름 붙은 사진들이 한 폴더에 모여 있는 형태입니다. "
        "보고서는 파일 이름에 들어 있는 클래스 단어로 사진을 클래스 폴더에 나눈 뒤, split-folders"
        "(`seed=123`)로 클래스마다 7:3으로 분할합니다. 여기서는 클래스 단어를 대소문자 구분 없이 "
        "찾고, 클래스 단어가 두 개 들어 있는 파일은 두 번 복사하지 않고 건너뛴 뒤 목록으로 보여 줍니다."
    ),
    "dataset.source": "데이터 출처",
    "dataset.source.demo": "데모 사진",
    "dataset.source.folder": "서버의 폴더",
    "dataset.source.zip": ".zip 업로드",
    "dataset.folder": "폴더 경로",
    "dataset.folder_help": "허용되는 위치: {roots} 안의 폴더",
    "dataset.zip": "cloudy12.jpg처럼 이름 붙은 사진들을 담은 .zip 파일",
    "dataset.no_folder": "먼저 폴더 경로를 입력하세요.",
    "dataset.folder_refused": "허용되지 않는 폴더입니다. 다음 위치 안의 폴더를 사용하세요: {roots}",
    "dataset.no_zip": "먼저 .zip 파일을 업로드하세요.",
    "dataset.ratio": "분할 비율",
    "dataset.ratio.default": "훈련 0.7 / 검증 0.15 / 테스트 0.15 (권장)",
    "dataset.ratio.report": "보고서와 같은 7:3 (테스트 세트 없음)",
    "dataset.ratio.custom": "직접 지정",
    "dataset.ratio.train": "훈련 (train)",
    "dataset.ratio.val": "검증 (validation)",
    "dataset.ratio.test": "테스트 (test, 0 = 없음)",
    "dataset.seed": "시드 (seed)",
    "dataset.run": "분류 및 분할",
    "dataset.preparing": "사진을 분류하고 디코딩한 뒤 분할하는 중입니다…",
    "dataset.generating_demo": "데모 사진을 생성하는 중입니다(처음 한 번만)…",
    "dataset.prepared": "사진 {n}장을 분류·분할하여 {name}에 저장했습니다. 이제 이 데이터셋을 사용합니다.",
    "dataset.active": "사용 중인 데이터셋: {name}",
    "dataset.summary_line": "출처 {source} · 비율 {ratio} · 시드 {seed}",
    "dataset.split_counts": "**분할·클래스별 사진 수**",
    "dataset.no_test_split": "테스트 세트가 없습니다. 보고서처럼 모든 점수를 학습에 영향을 준 "
                             "이미지로 측정하게 됩니다.",
    "dataset.why_test": (
        "**왜 테스트 세트를 따로 두어야 할까요?** 보고서는 훈련 세트와 검증 세트로만 7:3 분할한 뒤, "
        "검증 세트를 테스트 세트라고 불렀습니다. 그런데 이 이미지들은 이미 학습에 영향을 주었습니다. "
        "ReduceLROnPlateau가 *이 이미지들의* 정확도가 정체될 때마다 학습률을 낮췄으므로, 이 이미지로 "
        "얻은 점수는 낙관적입니다. 게다가 배치 크기 32로 `model.evaluate(test, steps=5)`를 실행하면 "
        "339장 중 5 × 32 = 160장만 평가됩니다. 0.7 / 0.15 / 0.15로 나누면 테스트 세트는 학습 중에 "
        "한 번도 쓰이지 않으며, 학습 페이지는 학습이 끝난 뒤 테스트 세트의 모든 이미지를 한 번씩 평가합니다."
    ),
    "dataset.thumbnails": "클래스별 사진 예시",
    "dataset.skipped": "건너뛴 파일 ({n}개)",
    "dataset.health": "데이터 상태 점검",
    "dataset.imbalance": "가장 많은 클래스 / 가장 적은 클래스",
    "dataset.formats": "파일 형식",
    "dataset.modes": "색상 모드",
    "dataset.sizes": (
        "너비 {w[min]}–{w[max]} px(중앙값 {w[median]}), 높이 {h[min]}–{h[max]} px(중앙값 "
        "{h[median]}). 가장 작은 사진: `{small[file]}` {small[size]}, 가장 큰 사진: `{large[file]}` "
        "{large[size]}. 모든 사진은 정사각형으로 크기가 조정되므로, 원래 비율이 찌그러집니다."
    ),
    "dataset.mismatched_extension": "내용이 확장자와 다른 파일 {n}개 (그래도 올바르게 읽힙니다):",
    "dataset.animated": "애니메이션 파일 {n}개 (첫 프레임만 사용합니다):",
    "dataset.unreadable": "읽을 수 없는 파일 {n}개 (학습에서 제외됩니다):",
    "dataset.duplicates": "완전히 같은 중복 사진: 바이트 단위로 동일한 사진 묶음 **{n}**개.",
    "dataset.leaks": "중복 사진 {n}장이 서로 다른 분할에 들어 있습니다. 모델이 학습한 사진으로 다시 "
                     "평가받는 셈이므로(데이터 누수) 점수가 부풀려집니다.",
    "dataset.no_leaks": "분할 경계를 넘는 중복 사진은 없습니다.",
    "dataset.col.total": "합계",
    "dataset.col.file": "파일",
    "dataset.col.reason": "사유",
    "dataset.col.group": "묶음",
    "dataset.col.split": "분할",
    "dataset.col.train": "훈련 (train)",
    "dataset.col.val": "검증 (val)",
    "dataset.col.test": "테스트 (test)",
    "dataset.balance.few": "클래스가 두 개 미만입니다",
    "dataset.balance.empty": "{cls} 클래스에 사진이 없습니다",
    "dataset.balance.rough": "대체로 균형이 맞습니다",
    "dataset.balance.mild": "약간 불균형합니다. 정확도만 보지 말고 클래스별 재현율(recall)을 확인하세요",
    "dataset.balance.strong": "심하게 불균형합니다. 정확도는 오해를 부를 수 있으니 클래스 가중치를 "
                              "고려하세요",
    "dataset.skip.hidden": "숨김 파일 또는 시스템 파일",
    "dataset.skip.folder": "폴더 (원본 폴더 바로 안에 있는 사진만 분류합니다)",
    "dataset.skip.not_file": "일반 파일이 아님",
    "dataset.skip.not_image": "이미지 파일이 아님 ({ext})",
    "dataset.skip.no_extension": "확장자 없음",
    "dataset.skip.no_class": "이름에 클래스 단어({classes})가 없음",
    "dataset.skip.two_classes": "이름이 두 개 이상의 클래스와 일치함 ({classes})",
    "dataset.skip.unreadable": "읽을 수 없는 이미지: {error}",
    # Augmentation
    "augment.title": "2 데이터 증강: 같은 사진에서 더 다양한 변형 만들기",
    "augment.intro": (
        "보고서는 각 훈련 사진을 무작위로 전단·확대/축소·반전·이동·회전하고 밝기를 바꾼 사본으로 "
        "학습합니다(Keras의 예전 `ImageDataGenerator`). 슬라이더를 움직여 각 설정이 어떤 효과를 "
        "내는지 확인해 보세요. 기본값은 보고서의 설정입니다."
    ),
    "augment.upload": "사진 업로드 (선택 사항)",
    "augment.pick": "…또는 훈련 사진 선택",
    "augment.no_train_images": "사용 중인 데이터셋에 훈련 사진이 없습니다. 대신 사진을 업로드하세요.",
    "augment.shear": "전단 (도)",
    "augment.zoom": "확대/축소 (± 비율)",
    "augment.rotation": "회전 (± 도)",
    "augment.width_shift": "가로 이동 (± 비율)",
    "augment.height_shift": "세로 이동 (± 비율)",
    "augment.brightness": "밝기 배율 범위",
    "augment.flip": "좌우 반전",
    "augment.reroll": ":material/casino: 다시 뽑기",
    "augment.working": "증강하는 중입니다(처음에는 TensorFlow를 불러옵니다)…",
    "augment.original": "원본: {name}",
    "augment.grid": "**무작위 변형 {n}개** (시드 {seed}): 각각이 한 에포크에서 모델이 보게 되는 "
                    "모습입니다.",
    "augment.layers": "같은 일을 하는 Keras 층",
    "augment.teach_shear": (
        "**전단은 도(degree) 단위입니다.** `ImageDataGenerator(shear_range=0.2)`는 최대 0.2 **도**의 "
        "전단 각도를 뜻하므로 눈에 보이지 않습니다. Keras 3의 `RandomShear`는 각도의 탄젠트인 계수"
        "(factor)를 받으므로, 충실하게 옮기면 `tan(0.2°) ≈ 0.0035`입니다. `RandomShear(0.2)`라고 "
        "쓰면 약 11°, 즉 57배나 더 기울어집니다."
    ),
    "augment.teach_brightness": (
        "**밝기는 곱해집니다.** `brightness_range=[0.5, 1.5]`는 모든 픽셀에 무작위 배율 하나를 "
        "곱합니다. 반면 Keras의 `RandomBrightness`는 오프셋을 *더하므로*, 어두운 픽셀과 밝은 픽셀이 "
        "같은 양만큼 바뀝니다. 이 대시보드는 곱하는 방식의 작은 층을 사용합니다."
    ),
    "augment.teach_train_only": "증강은 훈련 세트에만 적용합니다. 검증 사진과 테스트 사진은 크기 "
                                "조정과 1/255 스케일 조정만 거칩니다.",
    # Models
    "models.title": "3 모델: 세 가지 CNN을 층별로 살펴보기",
    "models.intro": "각 모델은 보고서의 코드를 그대로 다시 구현했습니다. 250×250에서는 모델 요약이 "
                    "보고서의 표와 정확히 일치해야 합니다.",
    "models.pick": "모델",
    "models.size": "이미지 크기 (픽셀)",
    "models.building": "모델을 만드는 중입니다(처음에는 TensorFlow를 불러옵니다)…",
    "models.report_result": "보고서의 결과: {result}",
    "models.total": "전체 파라미터",
    "models.trainable": "학습 가능",
    "models.non_trainable": "학습 불가능",
    "models.report_numbers": "보고서의 표: 파라미터 **{total:,}**개, 그중 학습 불가능 **{non:,}**개 "
                             "(250×250 기준).",
    "models.match": "보고서와 정확히 일치합니다.",
    "models.mismatch": "보고서의 표와 일치하지 않습니다.",
    "models.other_size": "{size}×{size}에서는 250×250 기준인 보고서의 수치와 다릅니다. Flatten 뒤의 "
                         "Dense 층은 이미지가 클수록 커지기 때문입니다.",
    "models.shapes_text": "MaxPooling을 거칠 때마다 이미지 크기는 절반이 되고, 합성곱 층은 채널을 "
                          "늘립니다. 네트워크는 *어디에* 있는지에 대한 정보를 내주고 *무엇인지*에 "
                          "대한 정보를 얻는 셈입니다.",
    "models.note_256": "**256일까요, 250일까요?** 보고서 본문에는 256×256이라고 적혀 있지만, 256이라면 "
                       "이 모델의 파라미터는 **{at_256:,}**개여야 합니다. 보고서의 표에는 250일 때의 "
                       "값인 **{at_250:,}**개가 나와 있습니다.",
    "models.note_256_same": "**256일까요, 250일까요?** 이 모델은 전역 평균 풀링(global average "
                            "pooling)으로 끝나므로 파라미터 수가 이미지 크기와 관계없이 같습니다. "
                            "그래서 이 모델의 표로는 250과 256을 구별할 수 없습니다. Model 1과 2는 "
                            "구별할 수 있습니다. 두 모델의 표는 250일 때만 수치가 맞습니다.",
    "models.relu_title": "Model 2의 출력층",
    "models.relu_text": (
        "보고서는 softmax를 전제로 한 손실 함수를 쓰면서 Model 2의 마지막 층을 **ReLU**로 끝냅니다. "
        "ReLU의 출력은 확률이 아닙니다. 예: `{outputs}`. Keras의 categorical cross-entropy는 이 값을 "
        "합으로 나누어 `{shares}`로 만들기 때문에, 출력이 0인 유닛의 클래스는 확률 0과 아주 큰 손실을 "
        "받습니다. 또 0에 갇힌 ReLU는 기울기를 전달하지 않으므로 다시 회복되지 않습니다. 그래서 "
        "학습이 자주 정체됩니다. 수정한 `model_2`는 softmax로 끝나고, `model_2_seed`는 보고서의 "
        "버전을 그대로 유지합니다."
    ),
    "models.relu_fixed": "수정한 모델입니다. 마지막 층이 Dense(4, softmax)입니다.",
    "models.col.name": "층 이름 (name)",
    "models.col.type": "종류 (type)",
    "models.col.output_shape": "출력 형태 (Output Shape)",
    "models.col.params": "파라미터 수 (Param #)",
    "models.name.model_1": "Model 1: 간단한 CNN",
    "models.name.model_2": "Model 2: 더 깊은 CNN (softmax 출력, 수정본)",
    "models.name.model_2_seed": "보고서에 적힌 그대로의 Model 2 (ReLU 출력)",
    "models.name.model_3": "Model 3: 배치 정규화(BatchNorm) + Dropout + 전역 평균 풀링",
    "models.name.model_3_seed": "Keras 기본 BatchNorm momentum을 쓴 Model 3",
    "models.result.model_1": "검증 정확도 약 87-90 % (10-30 에포크, 배치 크기 16/128)",
    "models.result.model_2": "검증 이미지 160장 기준 91.25 % (50 에포크)",
    "models.result.model_2_seed": "검증 이미지 160장 기준 91.25 % (50 에포크)",
    "models.result.model_3": "88.75 %, ReduceLROnPlateau 적용 후 98.12 % (검증 세트 기준)",
    "models.result.model_3_seed": "검증 정확도가 크게 오르내렸습니다 (보고서 참고)",
    # Train
    "train.title": "4 학습: 모델이 배우는 과정 지켜보기",
    "train.intro": "학습은 백그라운드에서 실행되므로 이 페이지를 떠났다가 다시 돌아와도 됩니다. "
                   "한 번에 하나의 학습만 실행되며, 나머지는 대기열에서 기다립니다.",
    "train.model": "모델",
    "train.epochs": "에포크 수",
    "train.batch_size": "배치 크기",
    "train.image_size": "이미지 크기",
    "train.learning_rate": "학습률 (Adam)",
    "train.seed": "시드 (seed)",
    "train.augment": "데이터 증강",
    "train.reduce_lr": "ReduceLROnPlateau (학습률 자동 감소)",
    "train.reduce_lr_help": "보고서에서 쓴 콜백입니다. 검증 정확도가 5 에포크 동안 개선되지 않으면 "
                            "학습률에 0.1을 곱합니다(cooldown 3).",
    "train.too_small": "{model}에는 최소 {size}픽셀 크기의 이미지가 필요합니다.",
    "train.estimate": "2코어 CPU 기준 예상 시간: 약 **{time}** (에포크마다 훈련 이미지 {n}장, 초당 약 "
                      "{speed}장, 검증에 +15 %). GPU에서는 훨씬 빠릅니다.",
    "train.start": "학습 시작",
    "train.will_queue": "다른 학습이 실행 중입니다({n}개). 이 학습은 대기열에서 기다립니다.",
    "train.run": "실행 {run} ({model})",
    "train.queued": "다른 학습이 끝나기를 대기열에서 기다리는 중입니다(앞에 대기 중인 실행 "
                    "{position}개).",
    "train.loading": "사진을 불러와 디코딩하는 중입니다…",
    "train.progress": "에포크 {epoch}/{epochs}, 배치 {batch}/{steps} · 남은 시간 약 {eta}",
    "train.cancel": "취소",
    "train.cancel_pending": "취소하는 중입니다. 현재 에포크가 끝나면 실행이 멈춥니다.",
    "train.finished": "{epochs} 에포크 만에 학습을 마쳤습니다.",
    "train.cancelled": "취소되었습니다. {error}",
    "train.failed": "이 실행은 {state} 상태입니다: {error}",
    "train.log": "실행 로그 (마지막 줄)",
    "train.no_log": "(기록된 로그가 없습니다)",
    "train.no_error": "기록된 오류 메시지가 없습니다",
    "train.test_accuracy": "테스트 정확도",
    "train.best_val": "최고 검증 정확도",
    "train.time": "학습 시간",
    "train.honest": "테스트 세트는 학습에 전혀 영향을 주지 않았습니다. 검증 정확도는 가장 좋은 "
                    "에포크를 고르고 ReduceLROnPlateau를 조절하는 데 쓰였으므로, 낙관적인 수치입니다.",
    "train.no_test": "이 데이터셋에는 테스트 세트가 없으므로, 학습에 영향을 준 검증 정확도가 유일한 "
                     "점수입니다. 보고서가 저지른 실수와 같습니다. 데이터셋 페이지에서 테스트 세트를 "
                     "포함해 다시 분할하세요.",
    "train.no_run": "이 세션에서는 아직 학습한 적이 없습니다. 이전 실행은 비교 페이지에서 볼 수 있습니다.",
    # Charts
    "chart.epoch": "에포크",
    "chart.train": "훈련",
    "chart.val": "검증",
    "chart.accuracy": "정확도",
    "chart.loss": "손실",
    "chart.lr_drop": "학습률 ↓",
    "chart.confusion": "테스트 세트의 혼동 행렬 (사진 {n}장)",
    "chart.predicted": "예측",
    "chart.true": "실제",
    "chart.per_class": "클래스별 사진 수",
    "chart.spatial": "특징 맵 너비 (픽셀)",
    "chart.channels": "채널 / 유닛 수",
    "chart.shapes": "특징 맵이 줄어드는 과정",
    # Compare
    "compare.title": "5 실행 비교",
    "compare.intro": "겹쳐 볼 실행을 고르세요. 파선은 훈련, 실선은 검증 곡선입니다. 점선으로 된 "
                     "가로선은 같은 모델에 대해 보고서가 제시한 수치입니다.",
    "compare.pick": "실행",
    "compare.no_runs": "아직 실행이 없습니다. 학습 페이지에서 모델을 학습시켜 보세요.",
    "compare.final": "최종 점수",
    "compare.settings": "서로 다른 설정",
    "compare.need_two": "설정의 차이를 보려면 실행을 두 개 이상 고르세요.",
    "compare.same_settings": "이 실행들은 설정이 모두 같습니다.",
    "compare.col.run": "실행",
    "compare.col.model": "모델",
    "compare.col.state": "상태",
    "compare.col.best_val": "최고 검증 정확도",
    "compare.col.test": "테스트 정확도",
    "compare.col.epochs": "에포크",
    "compare.col.time": "학습 시간",
    "compare.col.reported": "보고된 정확도",
    "compare.reference": "보고서, {name}: {text}",
    "compare.reported": "보고서의 수치",
    "compare.reported_note": "보고서의 수치는 모두 검증 세트에서 측정한 것입니다. 이 검증 세트는 "
                             "ReduceLROnPlateau도 조절했고, 339장 중 160장만으로 평가되었습니다. "
                             "이 수치는 검증 곡선과 비교하고, 실제 성능은 테스트 정확도로 판단하세요.",
    # Classify
    "classify.title": "6 내 사진 분류하기",
    "classify.intro": "사진을 한 장 또는 여러 장 올리면, 학습된 모델이 어떤 날씨인지 알려 줍니다.",
    "classify.pick_run": "학습된 실행",
    "classify.no_run": "아직 학습된 모델이 없습니다. 학습 페이지에서 학습시키거나, 터미널에서 다음 "
                       "명령을 실행하세요:",
    "classify.to_train": "학습 페이지로 이동",
    "classify.run_info": "{model}, {size}×{size} 픽셀, 테스트 정확도 {acc}",
    "classify.upload": "사진 (jpg, png, gif, webp, bmp)",
    "classify.working": "분류하는 중입니다…",
    "classify.bad_file": "{file}: {error}",
    "classify.result": "**{file}**: {cls} (확률 {p:.0%})",
    # Navigation
    "nav.errors": "7 오류 분석",
    # Charts
    "chart.best": "최고 에포크",
    # Compare
    "compare.unknown_runs": "링크에 있는 실행 중 여기에 없는 것이 있습니다: {runs}",
    # Why this class (Grad-CAM)
    "why.title": "**왜 이 클래스일까요?** 히트맵과 특징 맵 보기",
    "why.class": "히트맵을 볼 클래스",
    "why.predicted": "{cls} (예측)",
    "why.overlay": "{cls}에 대한 Grad-CAM: 빨간 곳에 근거가 있습니다",
    "why.how_to_read": (
        "**Grad-CAM**은 마지막 합성곱 층에게 사진의 어느 곳이 선택한 클래스의 점수를 높였는지 "
        "묻습니다. 빨간색은 강한 근거, 파란색은 근거가 없음을 뜻합니다. 다른 클래스를 고르면 그 "
        "클래스를 지지했을 근거를 볼 수 있습니다. 아래에는 합성곱 층 하나가 보는 것이 나옵니다. "
        "작은 그림 하나하나가 필터 하나의 출력입니다(밝을수록 강하게 활성화됨). 앞쪽 층은 색과 "
        "경계에 반응하고, 뒤쪽 층은 더 낮은 해상도에서 더 굵직한 패턴에 반응합니다."
    ),
    "why.layer": "합성곱 층의 특징 맵",
    "why.maps": "{layer}의 처음 {n}개 특징 맵 (각각 {size}×{size} 픽셀).",
    "why.working": "히트맵을 계산하는 중입니다…",
    "why.failed": "이 사진은 설명할 수 없었습니다: {message}",
    # Errors
    "errors.title": "7 오류 분석: 모델은 무엇을 틀릴까요?",
    "errors.intro": (
        "학습이 끝날 때, 한 번도 쓰이지 않은 테스트 세트의 모든 사진을 한 번씩 분류했습니다. 혼동 "
        "행렬의 칸을 고르면(클릭하거나 아래에서 선택) 그 칸의 사진을 가장 확신이 높은 것부터, "
        "모델이 어디를 보았는지와 함께 보여 줍니다."
    ),
    "errors.pick_run": "학습이 끝난 실행",
    "errors.no_run": "테스트 점수가 있는 완료된 실행이 아직 없습니다. 학습 페이지에서 학습시켜 보세요"
                     "(데이터셋에 테스트 세트가 있어야 합니다).",
    "errors.no_report": "이 실행에는 테스트 점수가 없습니다. 데이터셋에 테스트 세트가 없었습니다.",
    "errors.no_predictions": "이 실행의 테스트 보고서에는 사진별 예측이 없습니다(이전 버전으로 평가했기 "
                             "때문입니다). 오류를 살펴보려면 다시 학습시키세요.",
    "errors.accuracy": "사진 {n}장에 대한 테스트 정확도 {acc}.",
    "errors.teach": (
        "**혼동을 직접 찾아보세요.** 대각선 밖의 칸 중 어느 칸에 사진이 가장 많나요? 일출(sunrise)과 "
        "맑음(shine)은 둘 다 밝은 해가, 흐림(cloudy)과 비(rain)는 둘 다 회색 하늘이 보입니다. 모델이 "
        "이들을 헷갈리나요? 그런 칸을 열어 히트맵을 살펴보세요. 모델이 해, 지평선, 구름을 보나요, "
        "아니면 날씨와 아무 상관 없는 것(건물, 테두리, 워터마크)을 보나요? 히트맵을 실제 클래스로 "
        "바꿔 보세요. 무엇이 정답을 지지했을까요? 그런 다음 어떤 데이터나 설정이 이 문제를 고칠 수 "
        "있을지 생각해 보세요."
    ),
    "errors.pick_cell": "칸 (실제 → 예측)",
    "errors.cell": "{true} → {predicted} · 사진: {n}장",
    "errors.cell_correct": "{true} → {predicted} (정답) · 사진: {n}장",
    "errors.empty_cell": "빈 칸입니다. 사진이 없습니다.",
    "errors.explain": "히트맵 기준",
    "errors.explain_predicted": "예측한 클래스 ({cls})",
    "errors.explain_true": "실제 클래스 ({cls})",
    "errors.showing": "사진 {n}장 중 {shown}장, 확신이 높은 예측부터 보여 줍니다.",
    "errors.photo": "{file}: {predicted} {p:.0%} (실제 {true}: {true_p:.0%})",
    "errors.missing": "{file}: 이 사진은 더 이상 데이터셋 폴더에 없습니다.",
    # Lesson links
    "lesson.ignored": "{name}=`{value}` 값이 올바르지 않아 무시했습니다",
    "lesson.clamped": "{name}=`{value}` 값이 범위를 벗어나 {used}을(를) 사용합니다",
    "lesson.notes": "링크의 설정: {notes}.",
    "lesson.share": "이 설정 공유하기",
    "lesson.share_help": "이 주소를 대시보드 주소(예: `http://server:8501`) 뒤에 붙여 학생들에게 보내세요. "
                         "페이지가 정확히 이 설정으로 열립니다.",
    # Ablation
    "ablation.title": "절제 실험(ablation): 한 가지만 바꾸기",
    "ablation.intro": (
        "정직한 실험은 설정 **하나**만 바꾸고 시드를 포함한 나머지는 모두 그대로 둡니다. 바꿀 설정을 "
        "고르면, 위 양식의 설정으로 그 하나만 다른 실행 두 개가 대기열에 들어갑니다."
    ),
    "ablation.setting": "바꿀 설정",
    "ablation.vary.augment": "데이터 증강 켜기 / 끄기",
    "ablation.vary.reduce_lr": "ReduceLROnPlateau 켜기 / 끄기",
    "ablation.vary.batch_size": "배치 크기 16 / 128",
    "ablation.on": "켬",
    "ablation.off": "끔",
    "ablation.will_queue": "실행 두 개를 대기열에 넣습니다: {a}, {b}.",
    "ablation.batch_note": (
        "보고서는 배치 크기 128과 16을 비교했지만, `fit()`에 제너레이터를 넘기면 Keras는 `batch_size`를 "
        "무시합니다. 그래서 두 실행 모두 배치 크기 32로 학습되었습니다. 여기서는 배치 크기가 실제로 바뀝니다."
    ),
    "ablation.queue": "두 실행을 대기열에 넣기",
    "ablation.row": "`{run}`: {setting} · {state}, 에포크 {done} · 최고 검증 정확도 {best} · 테스트 정확도 {test}",
    "ablation.compare": "두 실행 비교하기",
    # Export
    "export.title": "결과 가져가기",
    "export.intro": "실행마다 zip 파일 하나: Keras 모델, 휴대폰용 TFLite 버전, 레이블, 설정, CSV 형식의 "
                    "지표, 모델 카드가 들어 있습니다.",
    "export.prepare": "zip 파일 준비",
    "export.help": "TFLite로 변환하는 데 몇 초 걸립니다.",
    "export.working": "실행을 묶는 중입니다(Keras와 TFLite)…",
    "export.download": "zip 파일 내려받기 ({size:.1f} MB)",
    # A stopped run
    "stopped.what_now": "{epochs} 에포크 중 {done} 에포크가 저장되었습니다. 재개하면 마지막으로 저장된 "
                        "에포크부터 이어서 학습하고, 삭제하면 실행 폴더를 지웁니다.",
    "stopped.resume": "재개",
    "stopped.confirm": "예, 실행 {run}과(와) 그 파일을 삭제합니다",
    "stopped.discard": "삭제",
    "stopped.discarded": "실행 {run}을(를) 삭제했습니다.",
    "chart.cell_hover": "실제 %{y} → 예측 %{x}: 클릭하면 사진을 볼 수 있습니다",
    "export.failed": "이 실행을 묶을 수 없었습니다: {message}",
    # 시간과 실행 상태
    "time.hours": "{h}시간 {m}분",
    "time.minutes": "{m}분 {s}초",
    "time.seconds": "{s}초",
    "state.queued": "대기 중",
    "state.running": "학습 중",
    "state.finished": "완료",
    "state.failed": "실패",
    "state.cancelled": "취소됨",
    "state.interrupted": "중단됨",
    "state.damaged": "손상됨",
    "split.train": "훈련 (train)",
    "split.val": "검증 (val)",
    "split.test": "테스트 (test)",
    "home.step.errors.title": "{n} 오류 분석",
    "home.step.errors.text": "모델이 틀린 테스트 사진을 열어 보고, 모델이 어디를 보았는지 히트맵으로 확인합니다.",
    "home.flaw.batch": "`fit(generator, batch_size=128)`: 제너레이터를 넘기면 Keras는 `batch_size`를 "
                       "무시합니다. 그래서 \"배치 128\"과 \"배치 16\" 실험은 모두 배치 크기 32로 학습되었습니다 "
                       "(로그의 에포크당 25 스텝 = 786 / 32).",
    "home.flaw.bn": "Model 3의 검증 정확도가 \"튀는\" 이유는 에포크당 스텝이 약 25개뿐이라 "
                    "BatchNorm의 이동 평균(momentum 0.99)이 크게 뒤처지기 때문입니다.",
}
