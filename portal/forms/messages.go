package forms

import (
	"fmt"
	"strings"

	"sozialplattform/tenant/phone"
)

// msgKey names a validation message.
type msgKey string

// The validation messages.
const (
	msgRequired      msgKey = "required"
	msgSoftRequired  msgKey = "softRequired"
	msgTooLong       msgKey = "tooLong"
	msgChoice        msgKey = "choice"
	msgExclusive     msgKey = "exclusive"
	msgDate          msgKey = "date"
	msgDateFuture    msgKey = "dateFuture"
	msgBirthDate     msgKey = "birthDate"
	msgMoney         msgKey = "money"
	msgMoneyNegative msgKey = "moneyNegative"
	msgMoneyMax      msgKey = "moneyMax"
	msgMoneyMin      msgKey = "moneyMin"
	msgInteger       msgKey = "integer"
	msgIntegerRange  msgKey = "integerRange"
	msgIBAN          msgKey = "iban"
	msgIBANChecksum  msgKey = "ibanChecksum"
	msgEmail         msgKey = "email"
	msgPhone         msgKey = phone.Code
	msgPostcode      msgKey = "postcode"
	msgRowsMin       msgKey = "rowsMin"
	msgRowsMinOne    msgKey = "rowsMinOne"
	msgRowsMax       msgKey = "rowsMax"
	msgFilesMax      msgKey = "filesMax"
	msgDeclaration   msgKey = "declaration"
	// Names of the persons the "persons" option set offers.
	msgApplicant msgKey = "applicant"
	msgPersonN   msgKey = "personN"
)

// messages are the engine's own texts – validation messages and the names
// of the persons in the "persons" option set – in every language of
// Languages (a test checks that none is missing), so that a citizen reads
// what is wrong in the language of the page. {0}, {1} are the arguments.
var messages = map[msgKey]map[string]string{
	msgRequired: {"de": "Bitte füllen Sie dieses Feld aus.", "en": "Please fill in this field.",
		"ar": "يرجى ملء هذا الحقل.", "uk": "Будь ласка, заповніть це поле.", "tr": "Lütfen bu alanı doldurun.", "ru": "Пожалуйста, заполните это поле."},
	msgSoftRequired: {"de": "Diese Angabe fehlt noch. Sie können den Antrag trotzdem absenden; die Behörde fragt dann nach.", "en": "This information is still missing. You can submit the application anyway; the authority will ask you for it.",
		"ar": "هذه المعلومة لا تزال ناقصة. يمكنك إرسال الطلب على أي حال؛ وستطلبها منك الجهة المختصة.", "uk": "Ця інформація ще відсутня. Ви можете все одно подати заяву; орган запитає її у вас.",
		"tr": "Bu bilgi hâlâ eksik. Başvuruyu yine de gönderebilirsiniz; kurum sizden isteyecektir.", "ru": "Эти сведения ещё не указаны. Вы всё равно можете подать заявление; ведомство запросит их у вас."},
	msgTooLong: {"de": "Der Text ist zu lang (höchstens {0} Zeichen).", "en": "The text is too long (at most {0} characters).",
		"ar": "النص طويل جدًا (بحد أقصى {0} حرفًا).", "uk": "Текст задовгий (не більше {0} символів).", "tr": "Metin çok uzun (en fazla {0} karakter).", "ru": "Текст слишком длинный (не более {0} символов)."},
	msgChoice: {"de": "Bitte wählen Sie eine der angebotenen Antworten.", "en": "Please choose one of the answers offered.",
		"ar": "يرجى اختيار إحدى الإجابات المعروضة.", "uk": "Будь ласка, виберіть одну із запропонованих відповідей.", "tr": "Lütfen sunulan cevaplardan birini seçin.", "ru": "Пожалуйста, выберите один из предложенных ответов."},
	msgExclusive: {"de": "„{0}“ kann nicht zusammen mit anderen Antworten gewählt werden.", "en": "“{0}” cannot be combined with other answers.",
		"ar": "لا يمكن اختيار „{0}“ مع إجابات أخرى.", "uk": "«{0}» не можна поєднувати з іншими відповідями.", "tr": "“{0}” başka cevaplarla birlikte seçilemez.", "ru": "«{0}» нельзя выбирать вместе с другими ответами."},
	msgDate: {"de": "Bitte geben Sie ein gültiges Datum ein, z. B. 31.12.1980.", "en": "Please enter a valid date, e.g. 1980-12-31.",
		"ar": "يرجى إدخال تاريخ صحيح، مثل 31.12.1980.", "uk": "Будь ласка, введіть дійсну дату, наприклад 31.12.1980.", "tr": "Lütfen geçerli bir tarih girin, ör. 31.12.1980.", "ru": "Пожалуйста, введите правильную дату, например 31.12.1980."},
	msgDateFuture: {"de": "Das Datum darf nicht in der Zukunft liegen.", "en": "The date must not be in the future.",
		"ar": "لا يجوز أن يكون التاريخ في المستقبل.", "uk": "Дата не може бути в майбутньому.", "tr": "Tarih gelecekte olamaz.", "ru": "Дата не может быть в будущем."},
	msgBirthDate: {"de": "Bitte prüfen Sie das Geburtsdatum: Es darf nicht in der Zukunft und nicht mehr als 130 Jahre zurück liegen.", "en": "Please check the date of birth: it must not be in the future or more than 130 years ago.",
		"ar": "يرجى التحقق من تاريخ الميلاد: لا يجوز أن يكون في المستقبل أو قبل أكثر من 130 عامًا.", "uk": "Перевірте дату народження: вона не може бути в майбутньому або понад 130 років тому.",
		"tr": "Lütfen doğum tarihini kontrol edin: gelecekte veya 130 yıldan daha eski olamaz.", "ru": "Проверьте дату рождения: она не может быть в будущем или более 130 лет назад."},
	msgMoney: {"de": "Bitte geben Sie einen Betrag in Euro ein, z. B. 1.234,56.", "en": "Please enter an amount in euros, e.g. 1,234.56.",
		"ar": "يرجى إدخال مبلغ باليورو، مثل 1.234,56.", "uk": "Будь ласка, введіть суму в євро, наприклад 1.234,56.", "tr": "Lütfen euro cinsinden bir tutar girin, ör. 1.234,56.", "ru": "Пожалуйста, введите сумму в евро, например 1.234,56."},
	msgMoneyNegative: {"de": "Der Betrag darf nicht negativ sein.", "en": "The amount must not be negative.",
		"ar": "لا يجوز أن يكون المبلغ سالبًا.", "uk": "Сума не може бути від'ємною.", "tr": "Tutar negatif olamaz.", "ru": "Сумма не может быть отрицательной."},
	msgMoneyMax: {"de": "Der Betrag ist zu hoch (höchstens {0}).", "en": "The amount is too high (at most {0}).",
		"ar": "المبلغ مرتفع جدًا (بحد أقصى {0}).", "uk": "Сума завелика (не більше {0}).", "tr": "Tutar çok yüksek (en fazla {0}).", "ru": "Сумма слишком велика (не более {0})."},
	msgMoneyMin: {"de": "Der Betrag muss mindestens {0} sein.", "en": "The amount must be at least {0}.",
		"ar": "يجب أن يكون المبلغ {0} على الأقل.", "uk": "Сума має бути не менше {0}.", "tr": "Tutar en az {0} olmalıdır.", "ru": "Сумма должна быть не меньше {0}."},
	msgInteger: {"de": "Bitte geben Sie eine ganze Zahl ein.", "en": "Please enter a whole number.",
		"ar": "يرجى إدخال عدد صحيح.", "uk": "Будь ласка, введіть ціле число.", "tr": "Lütfen bir tam sayı girin.", "ru": "Пожалуйста, введите целое число."},
	msgIntegerRange: {"de": "Bitte geben Sie eine Zahl zwischen {0} und {1} ein.", "en": "Please enter a number between {0} and {1}.",
		"ar": "يرجى إدخال رقم بين {0} و{1}.", "uk": "Будь ласка, введіть число від {0} до {1}.", "tr": "Lütfen {0} ile {1} arasında bir sayı girin.", "ru": "Пожалуйста, введите число от {0} до {1}."},
	msgIBAN: {"de": "Das ist keine gültige IBAN. Eine deutsche IBAN hat 22 Stellen und beginnt mit DE.", "en": "This is not a valid IBAN. A German IBAN has 22 characters and starts with DE.",
		"ar": "هذا ليس رقم IBAN صالحًا. يتكون رقم IBAN الألماني من 22 خانة ويبدأ بـ DE.", "uk": "Це недійсний IBAN. Німецький IBAN має 22 символи і починається з DE.",
		"tr": "Bu geçerli bir IBAN değil. Alman IBAN'ı 22 karakterdir ve DE ile başlar.", "ru": "Это недействительный IBAN. Немецкий IBAN состоит из 22 знаков и начинается с DE."},
	msgIBANChecksum: {"de": "Die Prüfziffer der IBAN stimmt nicht. Bitte prüfen Sie die Eingabe auf Tippfehler.", "en": "The IBAN check digits do not match. Please check for typing errors.",
		"ar": "أرقام التحقق في رقم IBAN غير صحيحة. يرجى التحقق من الأخطاء الإملائية.", "uk": "Контрольні цифри IBAN не збігаються. Перевірте, чи немає помилок.",
		"tr": "IBAN kontrol basamakları uyuşmuyor. Lütfen yazım hatalarını kontrol edin.", "ru": "Контрольные цифры IBAN не совпадают. Проверьте, нет ли опечаток."},
	msgEmail: {"de": "Bitte geben Sie eine gültige E-Mail-Adresse ein, z. B. name@beispiel.de.", "en": "Please enter a valid e-mail address, e.g. name@example.org.",
		"ar": "يرجى إدخال عنوان بريد إلكتروني صالح، مثل name@example.org.", "uk": "Будь ласка, введіть дійсну адресу електронної пошти, наприклад name@example.org.",
		"tr": "Lütfen geçerli bir e-posta adresi girin, ör. name@example.org.", "ru": "Пожалуйста, введите правильный адрес электронной почты, например name@example.org."},
	msgPhone: {"de": "Bitte geben Sie eine Telefonnummer mit Ziffern ein, z. B. 0391 123456 oder +49 391 123456.", "en": "Please enter a phone number in digits, e.g. +49 391 123456.",
		"ar": "يرجى إدخال رقم هاتف بالأرقام، مثل 123456 391 49+.", "uk": "Будь ласка, введіть номер телефону цифрами, наприклад +49 391 123456.",
		"tr": "Lütfen rakamlarla bir telefon numarası girin, ör. +49 391 123456.", "ru": "Пожалуйста, введите номер телефона цифрами, например +49 391 123456."},
	msgPostcode: {"de": "Eine Postleitzahl hat fünf Ziffern.", "en": "A German postcode has five digits.",
		"ar": "يتكون الرمز البريدي الألماني من خمسة أرقام.", "uk": "Німецький поштовий індекс має п'ять цифр.", "tr": "Alman posta kodu beş rakamdan oluşur.", "ru": "Немецкий почтовый индекс состоит из пяти цифр."},
	msgRowsMinOne: {"de": "Bitte machen Sie mindestens einen Eintrag.", "en": "Please add at least one entry.",
		"ar": "يرجى إضافة إدخال واحد على الأقل.", "uk": "Будь ласка, додайте щонайменше один запис.", "tr": "Lütfen en az bir kayıt ekleyin.", "ru": "Пожалуйста, добавьте хотя бы одну запись."},
	msgRowsMin: {"de": "Bitte machen Sie mindestens {0} Einträge.", "en": "Please add at least {0} entries.",
		"ar": "يرجى إضافة إدخالات (الحد الأدنى: {0}).", "uk": "Будь ласка, додайте записи (мінімум: {0}).", "tr": "Lütfen en az {0} kayıt ekleyin.", "ru": "Пожалуйста, добавьте записи (минимум: {0})."},
	msgRowsMax: {"de": "Höchstens {0} Einträge sind möglich.", "en": "At most {0} entries are possible.",
		"ar": "الحد الأقصى {0} إدخالات.", "uk": "Можливо не більше {0} записів.", "tr": "En fazla {0} kayıt mümkündür.", "ru": "Возможно не более {0} записей."},
	msgFilesMax: {"de": "Höchstens {0} Dateien sind hier möglich.", "en": "At most {0} files are possible here.",
		"ar": "الحد الأقصى هنا {0} ملفات.", "uk": "Тут можливо не більше {0} файлів.", "tr": "Burada en fazla {0} dosya mümkündür.", "ru": "Здесь возможно не более {0} файлов."},

	msgUploadTooLarge: {"de": "Die Datei ist zu groß (höchstens {0} MB).", "en": "The file is too large (at most {0} MB).",
		"ar": "الملف كبير جدًا (بحد أقصى {0} ميغابايت).", "uk": "Файл завеликий (не більше {0} МБ).", "tr": "Dosya çok büyük (en fazla {0} MB).", "ru": "Файл слишком большой (не более {0} МБ)."},
	msgUploadType: {"de": "Diese Datei ist kein PDF-, JPEG- oder PNG-Dokument. Der Inhalt entscheidet, nicht der Dateiname.", "en": "This file is not a PDF, JPEG or PNG document. The content decides, not the file name.",
		"ar": "هذا الملف ليس مستند PDF أو JPEG أو PNG. المحتوى هو المعيار وليس اسم الملف.", "uk": "Цей файл не є документом PDF, JPEG або PNG. Вирішує вміст, а не назва файлу.",
		"tr": "Bu dosya bir PDF, JPEG veya PNG belgesi değil. Dosya adı değil, içerik belirleyicidir.", "ru": "Этот файл не является документом PDF, JPEG или PNG. Решает содержимое, а не имя файла."},
	msgUploadEmpty: {"de": "Bitte wählen Sie eine Datei aus.", "en": "Please choose a file.",
		"ar": "يرجى اختيار ملف.", "uk": "Будь ласка, виберіть файл.", "tr": "Lütfen bir dosya seçin.", "ru": "Пожалуйста, выберите файл."},
	msgUploadTotal: {"de": "Sie haben die Höchstzahl von {0} Dateien für diesen Antrag erreicht.", "en": "You have reached the maximum of {0} files for this application.",
		"ar": "لقد وصلت إلى الحد الأقصى وهو {0} ملفات لهذا الطلب.", "uk": "Ви досягли максимуму {0} файлів для цієї заяви.", "tr": "Bu başvuru için en fazla {0} dosya sınırına ulaştınız.", "ru": "Вы достигли максимума в {0} файлов для этого заявления."},
	// What uploadcheck refuses: a file the clerk could not open.
	msgUploadDamagedPDF: {"de": "Diese PDF-Datei ist beschädigt oder unvollständig und lässt sich nicht öffnen. Bitte speichern oder scannen Sie das Dokument neu und laden Sie es noch einmal hoch.",
		"en": "This PDF file is damaged or incomplete and cannot be opened. Please save or scan the document again and upload it once more.",
		"ar": "ملف PDF هذا تالف أو غير مكتمل ولا يمكن فتحه. يرجى حفظ المستند أو مسحه ضوئيًا من جديد ثم تحميله مرة أخرى.",
		"uk": "Цей PDF-файл пошкоджений або неповний, і його неможливо відкрити. Збережіть або відскануйте документ знову та завантажте його ще раз.",
		"tr": "Bu PDF dosyası bozuk veya eksik ve açılamıyor. Lütfen belgeyi yeniden kaydedin veya tarayın ve tekrar yükleyin.",
		"ru": "Этот PDF-файл повреждён или неполон, и его невозможно открыть. Сохраните или отсканируйте документ заново и загрузите его ещё раз."},
	msgUploadNoPages: {"de": "Diese PDF-Datei enthält keine Seite. Bitte laden Sie das vollständige Dokument hoch.",
		"en": "This PDF file contains no page. Please upload the complete document.",
		"ar": "ملف PDF هذا لا يحتوي على أي صفحة. يرجى تحميل المستند كاملًا.",
		"uk": "Цей PDF-файл не містить жодної сторінки. Завантажте, будь ласка, повний документ.",
		"tr": "Bu PDF dosyası hiç sayfa içermiyor. Lütfen belgenin tamamını yükleyin.",
		"ru": "Этот PDF-файл не содержит ни одной страницы. Загрузите, пожалуйста, полный документ."},
	msgUploadPassword: {"de": "Diese PDF-Datei ist mit einem Kennwort geschützt, das die Behörde nicht kennt. Bitte laden Sie das Dokument ohne Kennwortschutz hoch.",
		"en": "This PDF file is protected by a password the authority does not know. Please upload the document without password protection.",
		"ar": "ملف PDF هذا محمي بكلمة مرور لا تعرفها الجهة المختصة. يرجى تحميل المستند بدون حماية بكلمة مرور.",
		"uk": "Цей PDF-файл захищено паролем, якого орган не знає. Завантажте, будь ласка, документ без захисту паролем.",
		"tr": "Bu PDF dosyası, kurumun bilmediği bir parola ile korunuyor. Lütfen belgeyi parola koruması olmadan yükleyin.",
		"ru": "Этот PDF-файл защищён паролем, который ведомству неизвестен. Загрузите, пожалуйста, документ без защиты паролем."},
	msgUploadDamagedImage: {"de": "Dieses Bild ist beschädigt oder unvollständig und lässt sich nicht öffnen. Bitte fotografieren oder scannen Sie das Dokument neu.",
		"en": "This image is damaged or incomplete and cannot be opened. Please photograph or scan the document again.",
		"ar": "هذه الصورة تالفة أو غير مكتملة ولا يمكن فتحها. يرجى تصوير المستند أو مسحه ضوئيًا من جديد.",
		"uk": "Це зображення пошкоджене або неповне, і його неможливо відкрити. Сфотографуйте або відскануйте документ знову.",
		"tr": "Bu görüntü bozuk veya eksik ve açılamıyor. Lütfen belgenin fotoğrafını yeniden çekin veya yeniden tarayın.",
		"ru": "Это изображение повреждено или неполно, и его невозможно открыть. Сфотографируйте или отсканируйте документ заново."},
	msgUploadPixels: {"de": "Das Bild ist zu groß ({0} Megapixel, höchstens {1}). Bitte verkleinern Sie es oder fotografieren Sie mit geringerer Auflösung.",
		"en": "The image is too large ({0} megapixels, at most {1}). Please reduce it or take the photo at a lower resolution.",
		"ar": "الصورة كبيرة جدًا ({0} ميغابكسل، بحد أقصى {1}). يرجى تصغيرها أو التصوير بدقة أقل.",
		"uk": "Зображення завелике ({0} мегапікселів, не більше {1}). Зменште його або сфотографуйте з меншою роздільною здатністю.",
		"tr": "Görüntü çok büyük ({0} megapiksel, en fazla {1}). Lütfen küçültün veya daha düşük çözünürlükte fotoğraf çekin.",
		"ru": "Изображение слишком большое ({0} мегапикселей, не более {1}). Уменьшите его или сфотографируйте с меньшим разрешением."},
	msgDeclaration: {"de": "Bitte bestätigen Sie diese Erklärung.", "en": "Please confirm this declaration.",
		"ar": "يرجى تأكيد هذا الإقرار.", "uk": "Будь ласка, підтвердьте цю заяву.", "tr": "Lütfen bu beyanı onaylayın.", "ru": "Пожалуйста, подтвердите это заявление."},
	msgApplicant: {"de": "Antragsteller:in", "en": "Applicant", "ar": "مقدّم الطلب", "uk": "Заявник", "tr": "Başvuru sahibi", "ru": "Заявитель"},
	msgPersonN:   {"de": "Person {0}", "en": "Person {0}", "ar": "الشخص {0}", "uk": "Особа {0}", "tr": "Kişi {0}", "ru": "Лицо {0}"},
}

// message returns a validation text in lang (German when missing).
func message(lang string, key msgKey, args ...any) string {
	m := messages[key]
	s, ok := m[lang]
	if !ok {
		s = m["de"]
	}
	for i, a := range args {
		s = strings.ReplaceAll(s, fmt.Sprintf("{%d}", i), fmt.Sprint(a))
	}
	return s
}

// Upload messages.
const (
	msgUploadTooLarge msgKey = "uploadTooLarge"
	msgUploadType     msgKey = "uploadType"
	msgUploadEmpty    msgKey = "uploadEmpty"
	msgUploadTotal    msgKey = "uploadTotal"

	msgUploadDamagedPDF   msgKey = "uploadDamagedPDF"
	msgUploadNoPages      msgKey = "uploadNoPages"
	msgUploadPassword     msgKey = "uploadPassword"
	msgUploadDamagedImage msgKey = "uploadDamagedImage"
	msgUploadPixels       msgKey = "uploadPixels"
)
